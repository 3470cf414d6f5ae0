"""The Merkle tree agrees with RFC 9162 / RFC 6962: the reference roots, inclusion and
consistency proofs of Certificate Transparency's test vectors (as published with
transparency-dev/merkle), and every proof of every small tree verifies while altered
ones do not."""

from __future__ import annotations

import pytest

from domain.merkle import (
    EMPTY_ROOT,
    Frontier,
    MemoryTree,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

DATA = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, proof)
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (first size, second size, proof)
CONSISTENCY = [
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


def reference_tree() -> MemoryTree:
    tree = MemoryTree()
    for d in DATA:
        tree.append(leaf_hash(d))
    return tree


def test_the_empty_tree_hashes_to_the_sha256_of_nothing() -> None:
    assert MemoryTree().root().hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert Frontier().root() == EMPTY_ROOT


def test_roots_match_the_reference_roots_for_every_size() -> None:
    tree = reference_tree()
    frontier = Frontier()
    for size, expected in enumerate(ROOTS, start=1):
        frontier.append(tree.leaf(size - 1))
        assert tree.root(size).hex() == expected
        assert frontier.root().hex() == expected  # the compact range agrees


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proofs_match_the_reference_vectors(
    index: int, size: int, proof: list[str]
) -> None:
    tree = reference_tree()
    made = inclusion_proof(tree.perfect, index, size)
    assert [p.hex() for p in made] == proof
    assert verify_inclusion(index, size, tree.leaf(index), made, bytes.fromhex(ROOTS[size - 1]))


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY)
def test_consistency_proofs_match_the_reference_vectors(
    first: int, second: int, proof: list[str]
) -> None:
    tree = reference_tree()
    made = consistency_proof(tree.perfect, first, second)
    assert [p.hex() for p in made] == proof
    old, new = bytes.fromhex(ROOTS[first - 1]), bytes.fromhex(ROOTS[second - 1])
    assert verify_consistency(first, second, old, new, made)


def random_tree(n: int) -> MemoryTree:
    tree = MemoryTree()
    for i in range(n):
        tree.append(leaf_hash(i.to_bytes(4, "big")))
    return tree


def test_every_inclusion_proof_of_every_small_tree_verifies_and_altered_ones_do_not() -> None:
    tree = random_tree(40)
    for size in range(1, 41):
        r = tree.root(size)
        for index in range(size):
            proof = inclusion_proof(tree.perfect, index, size)
            leaf = tree.leaf(index)
            assert verify_inclusion(index, size, leaf, proof, r)
            assert len(proof) <= (size - 1).bit_length()  # O(log n)
            assert not verify_inclusion(index, size, leaf_hash(b"other"), proof, r)
            if size > 1:
                assert not verify_inclusion((index + 1) % size, size, leaf, proof, r)
                assert not verify_inclusion(index, size, leaf, proof[:-1], r)
                assert not verify_inclusion(index, size, leaf, [*proof, r], r)
                flipped = [bytes([proof[0][0] ^ 8]) + proof[0][1:], *proof[1:]]
                assert not verify_inclusion(index, size, leaf, flipped, r)


def test_every_consistency_proof_of_every_small_tree_verifies_and_altered_ones_do_not() -> None:
    tree = random_tree(40)
    other = random_tree(40)
    other.leaves[5 * 32] ^= 1  # one leaf differs at position 5
    for second in range(1, 41):
        new = tree.root(second)
        for first in range(1, second + 1):
            old = tree.root(first)
            proof = consistency_proof(tree.perfect, first, second)
            assert verify_consistency(first, second, old, new, proof)
            assert len(proof) <= 2 * second.bit_length()
            if first < second:
                assert not verify_consistency(first, second, new, old, proof)
                assert not verify_consistency(first, second, old, new, proof[:-1])
                assert not verify_consistency(first, second, old, new, [*proof, old])
            if first > 5:  # a rewritten prefix is not consistent with the old root
                rewritten = consistency_proof(other.perfect, first, second)
                assert not verify_consistency(first, second, old, other.root(second), rewritten)


def test_a_frontier_round_trips_and_refuses_the_wrong_number_of_hashes() -> None:
    f = Frontier()
    for i in range(13):
        f.append(leaf_hash(bytes([i])))
    again = Frontier.from_bytes(13, f.to_bytes())
    assert again.root() == f.root() == random_root(13)
    with pytest.raises(ProofError):
        Frontier.from_bytes(12, f.to_bytes())


def random_root(n: int) -> bytes:
    tree = MemoryTree()
    for i in range(n):
        tree.append(leaf_hash(bytes([i])))
    return tree.root()


def test_nodes_are_domain_separated_from_leaves() -> None:
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(a, b) != leaf_hash(a + b)
    with pytest.raises(ProofError):
        inclusion_proof(random_tree(4).perfect, 4, 4)


def test_appending_names_each_perfect_subtree_it_completes() -> None:
    tree = random_tree(64)
    frontier = Frontier()
    completed = []
    for i in range(64):
        completed += frontier.append(tree.leaf(i))
    assert len(completed) == 63  # 32 + 16 + 8 + 4 + 2 + 1
    for level, index, h in completed:
        assert h == tree.perfect(level, index)
