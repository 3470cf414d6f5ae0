"""Every act of the safeguarding process, each declared once (application/acts/base.py).

One module per stage, as in the domain: ``referral``, ``decision``, ``rapid_review``,
``learning``, ``corrections`` (acts on a case) and ``review`` (a commissioned review and
its action plan). ``ACTS`` lists them in the order they are declared; ``python -m
application.acts`` prints the README's table of who may perform each.
"""

from __future__ import annotations

from application.acts.base import Act, CaseAct, Creation, Env, ReviewAct, SubjectAct
from application.acts.corrections import CloseCase, CorrectDetails, ReopenCase
from application.acts.decision import (
    AlertPartners,
    ConcludeMediation,
    DecideCriteria,
    DisputeCriteria,
    NotifyNationalPanel,
    RecommendCriteria,
    RecordPartnerDecision,
    ReferToLearningFromPractice,
    RequestMediation,
)
from application.acts.learning import ConsiderLearningReferral, InformReferrer
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
STAGES = ("referral", "decision", "rapid_review", "learning", "corrections", "review")
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
    "ConcludeMediation",
    "ConsiderLearningReferral",
    "CorrectDetails",
    "Creation",
    "DecideCriteria",
    "DeferPublication",
    "DisputeCriteria",
    "DisseminateLearning",
    "Env",
    "HoldMeeting",
    "InformReferrer",
    "NotifyNationalPanel",
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
    "RequestMediation",
    "RequestScoping",
    "ResumePublication",
    "ReturnScoping",
    "ReviewAct",
    "SecureRecords",
    "SendPrePublicationCopy",
    "StartRapidReview",
    "SubjectAct",
    "SubmitRapidReview",
]
