"""The verifiable log (DESIGN §6): every stored event and every access-log row is a leaf of
one append-only RFC 9162 Merkle tree (``domain/merkle.py``); signed checkpoints of it are
made, kept and published off the database, and the stored rows are verified against them.

- ``leaves.py``: what each leaf commits to, and the leaf table (``log_leaves``);
- ``notes.py``: the C2SP signed-note / tlog-checkpoint format, Ed25519 keys;
- ``signing.py``: where the signing key and the known public keys live (never the database);
- ``checkpoints.py``: making and keeping checkpoints (``log_checkpoints``);
- ``verify.py``: the stored log against checkpoints: consistency, first affected position;
- ``inclusion.py``: inclusion proofs of a case's events.
"""
