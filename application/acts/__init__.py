"""Every act of the safeguarding process, each declared once (application/acts/base.py).

One module per stage, as in the domain: ``referral``, ``decision``, ``rapid_review``,
``outcome``, ``learning``, ``informing``, ``actions``, ``corrections`` (acts on a case) and
``review`` (a commissioned review and its action plan). ``ACTS`` lists them in the order
they are declared; ``python -m application.acts`` prints the README's table of who may
perform each.
"""

from __future__ import annotations

from application.acts.actions import AgreeCaseAction, CompleteCaseAction
from application.acts.base import Act, CaseAct, Creation, Env, ReviewAct, SubjectAct
from application.acts.corrections import CloseCase, CorrectDetails, ReopenCase
from application.acts.decision import (
    AlertPartners,
    ConcludeMediation,
    DecideCriteria,
    DisputeCriteria,
    NotifyNationalPanel,
    NotifySecretaryOfStateAndOfsted,
    RecommendCriteria,
    RecordPartnerDecision,
    ReferToLearningFromPractice,
    RequestMediation,
)
from application.acts.informing import (
    InformAgenciesOfOutcome,
    ReportDisputeToStrategicPartners,
    ShareDissent,
)
from application.acts.learning import (
    ConsiderLearningReferral,
    InformReferrer,
    TakeLearningToForum,
)
from application.acts.outcome import (
    ConcludeOutcomeMediation,
    DisputeRapidReviewOutcome,
    RequestOutcomeMediation,
)
from application.acts.rapid_review import (
    ApproveReport,
    HoldMeeting,
    ReceivePanelResponse,
    RequestScoping,
    ReturnScoping,
    SecureRecords,
    StartRapidReview,
    SubmitRapidReview,
)
from application.acts.referral import ReferPracticeLearning, ReferSeriousIncident
from application.acts.review import (
    AgreeAction,
    AgreeTermsOfReference,
    AppointReviewer,
    CheckProgress,
    CloseReview,
    CommissionReview,
    CompleteAction,
    DeferPublication,
    DisseminateLearning,
    PublishReview,
    ReceiveFinalReport,
    RecordFamilyParticipation,
    ResumePublication,
    SendPrePublicationCopy,
)

# the stages in the order of the process (and of the REST routes and the README table)
STAGES = (
    "referral",
    "decision",
    "rapid_review",
    "outcome",
    "learning",
    "informing",
    "actions",
    "corrections",
    "review",
)
ACTS: tuple[type[Act], ...] = tuple(
    sorted(Act.registry, key=lambda a: STAGES.index(a.__module__.rsplit(".", 1)[1]))
)
CASE_ACTS: tuple[type[CaseAct], ...] = tuple(a for a in ACTS if issubclass(a, CaseAct))
REVIEW_ACTS: tuple[type[ReviewAct], ...] = tuple(a for a in ACTS if issubclass(a, ReviewAct))
CREATIONS: tuple[type[Creation], ...] = tuple(a for a in ACTS if issubclass(a, Creation))
BY_NAME: dict[str, type[Act]] = {a.act_name: a for a in ACTS}
EXAMPLES = {a.act_name: a.example for a in ACTS}

__all__ = [
    "ACTS",
    "BY_NAME",
    "CASE_ACTS",
    "CREATIONS",
    "EXAMPLES",
    "REVIEW_ACTS",
    "STAGES",
    "Act",
    "AgreeAction",
    "AgreeCaseAction",
    "AgreeTermsOfReference",
    "AlertPartners",
    "AppointReviewer",
    "ApproveReport",
    "CaseAct",
    "CheckProgress",
    "CloseCase",
    "CloseReview",
    "CommissionReview",
    "CompleteAction",
    "CompleteCaseAction",
    "ConcludeMediation",
    "ConcludeOutcomeMediation",
    "ConsiderLearningReferral",
    "CorrectDetails",
    "Creation",
    "DecideCriteria",
    "DeferPublication",
    "DisputeCriteria",
    "DisputeRapidReviewOutcome",
    "DisseminateLearning",
    "Env",
    "HoldMeeting",
    "InformAgenciesOfOutcome",
    "InformReferrer",
    "NotifyNationalPanel",
    "NotifySecretaryOfStateAndOfsted",
    "PublishReview",
    "ReceiveFinalReport",
    "ReceivePanelResponse",
    "RecommendCriteria",
    "RecordFamilyParticipation",
    "RecordPartnerDecision",
    "ReferPracticeLearning",
    "ReferSeriousIncident",
    "ReferToLearningFromPractice",
    "ReopenCase",
    "ReportDisputeToStrategicPartners",
    "RequestMediation",
    "RequestOutcomeMediation",
    "RequestScoping",
    "ResumePublication",
    "ReturnScoping",
    "ReviewAct",
    "SecureRecords",
    "SendPrePublicationCopy",
    "ShareDissent",
    "StartRapidReview",
    "SubjectAct",
    "SubmitRapidReview",
    "TakeLearningToForum",
]
