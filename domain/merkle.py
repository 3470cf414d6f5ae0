"""The Merkle tree of a verifiable log, as RFC 9162 §2.1 defines it (Certificate
Transparency 2.0; the same tree as RFC 6962).

- ``leaf_hash(d) = SHA-256(0x00 || d)``, ``node_hash(l, r) = SHA-256(0x01 || l || r)``; the
  root of ``n`` leaves splits at ``k``, the largest power of two below ``n``.
- An inclusion proof (§2.1.3) shows that one leaf is in a tree of a given root; a
  consistency proof (§2.1.4) shows that the tree of one root is a prefix of the tree of
  another (nothing in it was changed, removed or reordered). Both are O(log n) hashes.

The proofs are computed from a ``Perfect`` source -- the hash of any perfect subtree
(``level``, ``index``: the 2**level leaves from index * 2**level) -- so that storage can
answer from what it keeps (``MemoryTree`` holds leaf hashes in memory). ``Frontier`` is the
compact range of a tree's prefix: the roots of its perfect subtrees, enough to append leaves
and compute the new root without the old leaves. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# the hash of the perfect subtree of 2**level leaves starting at leaf index * 2**level
Perfect = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof that does not verify, or a request for one that cannot exist."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two strictly below ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree(perfect: Perfect, start: int, end: int) -> bytes:
    """MTH(D[start:end]): the root of the leaves from ``start`` to ``end`` (exclusive)."""
    n = end - start
    if n <= 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0 and start % n == 0:
        level = n.bit_length() - 1
        return perfect(level, start >> level)
    k = split(n)
    return node_hash(subtree(perfect, start, start + k), subtree(perfect, start + k, end))


def root(perfect: Perfect, size: int) -> bytes:
    return subtree(perfect, 0, size)


def inclusion_proof(perfect: Perfect, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split(end - start)
        if index < start + k:
            path.append(subtree(perfect, start + k, end))
            end = start + k
        else:
            path.append(subtree(perfect, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(perfect: Perfect, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1 (empty when first is 0 or second)."""
    if not 0 <= first <= second:
        raise ProofError(f"no consistency proof from {first} leaves to {second}")
    if first in (0, second):
        return []
    proof: list[bytes] = []
    m, start, end, whole = first, 0, second, True
    while m != end - start:
        k = split(end - start)
        if m <= k:
            proof.append(subtree(perfect, start + k, end))
            end = start + k
        else:
            proof.append(subtree(perfect, start, start + k))
            m -= k
            start += k
            whole = False
    if not whole:
        proof.append(subtree(perfect, start, end))
    proof.reverse()
    return proof


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` makes of ``leaf`` at ``index`` (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        _check(p)
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    try:
        return root_from_inclusion(index, size, leaf, proof) == root_hash
    except ProofError:
        return False


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree of ``first`` leaves and root ``first_root`` is the
    prefix of the tree of ``second`` leaves and root ``second_root`` (RFC 9162 §2.1.4.2)."""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof or any(len(c) != HASH_SIZE for c in proof):
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def _check(h: bytes) -> None:
    if len(h) != HASH_SIZE:
        raise ProofError("a proof hash is not 32 bytes")


class MemoryTree:
    """Leaf hashes held in memory (32 bytes each, in one buffer) as a ``Perfect`` source.
    Subtrees of 1024 leaves and more are remembered, so that many proofs over one tree
    cost little more than the first."""

    _REMEMBER_FROM = 10

    def __init__(self, leaves: bytes | bytearray = b"") -> None:
        self.leaves = bytearray(leaves)
        self._memo: dict[tuple[int, int], bytes] = {}

    def __len__(self) -> int:
        return len(self.leaves) // HASH_SIZE

    def append(self, leaf: bytes) -> None:
        _check(leaf)
        self.leaves += leaf

    def leaf(self, index: int) -> bytes:
        return bytes(self.leaves[index * HASH_SIZE : (index + 1) * HASH_SIZE])

    def perfect(self, level: int, index: int) -> bytes:
        if level == 0:
            return self.leaf(index)
        key = (level, index)
        found = self._memo.get(key)
        if found is not None:
            return found
        h = node_hash(self.perfect(level - 1, 2 * index), self.perfect(level - 1, 2 * index + 1))
        if level >= self._REMEMBER_FROM:
            self._memo[key] = h
        return h

    def root(self, size: int | None = None) -> bytes:
        return root(self.perfect, len(self) if size is None else size)


class Frontier:
    """The compact range of a tree's first ``size`` leaves: the roots of its perfect
    subtrees, largest first (one per set bit of ``size``). Appending a leaf merges equal
    subtrees; the root folds them right to left. Stored with each checkpoint, it lets the
    next one extend the tree without reading the leaves before it."""

    def __init__(self, size: int = 0, nodes: Sequence[bytes] = ()) -> None:
        if len(nodes) != size.bit_count() or any(len(n) != HASH_SIZE for n in nodes):
            raise ProofError(f"a frontier of {size} leaves has {size.bit_count()} hashes")
        self.size = size
        self.nodes = list(nodes)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add ``leaf``; returns the perfect subtrees it completed (level >= 1, index,
        hash), which storage may keep to answer proofs without reading their leaves."""
        _check(leaf)
        h, level = leaf, 0
        completed: list[tuple[int, int, bytes]] = []
        while self.size >> level & 1:
            h = node_hash(self.nodes.pop(), h)
            level += 1
            completed.append((level, self.size >> level, h))
        self.nodes.append(h)
        self.size += 1
        return completed

    def root(self) -> bytes:
        if not self.nodes:
            return EMPTY_ROOT
        r = self.nodes[-1]
        for n in reversed(self.nodes[:-1]):
            r = node_hash(n, r)
        return r

    def to_bytes(self) -> bytes:
        return b"".join(self.nodes)

    @classmethod
    def from_bytes(cls, size: int, data: bytes) -> Frontier:
        return cls(size, [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)])
