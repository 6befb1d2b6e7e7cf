//! Stable sorting in little code. The standard library's stable sort (driftsort) costs about
//! 3.7 KB of machine code, plus its unwind tables, for every element type and comparator it is
//! used with, and `collect::<BTreeMap<_, _>>()` runs it too (it sorts before building the
//! tree); twenty such uses were about 80 KB of every charm binary. What a hook sorts holds a
//! handful of items (units, integrations, files, ports), so an insertion sort gives the very
//! same order (it is stable) in a few hundred bytes per use. Some lists come from a provider
//! (SAML endpoints) or a scenario file and can be hostile: past a few dozen items the sort
//! merges positions instead, O(n log n), still stable. Build a `BTreeMap` with `extend` (one
//! `insert` per item, no sort) rather than `collect`.

/// Sorts `items` stably: `is_less(a, b)` tells whether `a` goes strictly before `b`; equal
/// items keep their order. The sorting itself is one non-generic merge sort of positions
/// (insertion sort for short runs), shared by every caller; each caller costs only its two
/// small closures. O(n log n) comparisons, so a hostile list (a relation bag with thousands of
/// SAML endpoints, a large scenario) costs no more than its size.
pub(crate) fn sort_by<T>(items: &mut [T], mut is_less: impl FnMut(&T, &T) -> bool) {
    if items.len() < 2 {
        return;
    }
    let order = sorted_positions(items.len(), &mut |a, b| is_less(&items[a], &items[b]));
    permute(order, &mut |a, b| items.swap(a, b));
}

/// The positions `0..len` in sorted order.
fn sorted_positions(len: usize, is_less: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut scratch = Vec::new();
    merge_sort(&mut order, &mut scratch, is_less);
    order
}

/// The longest run sorted by insertion (O(n²) comparisons, the least work on short runs).
const INSERTION_MAX: usize = 16;

/// Stable top-down merge sort of positions; `scratch` is reused by every merge.
fn merge_sort(
    order: &mut [usize],
    scratch: &mut Vec<usize>,
    is_less: &mut dyn FnMut(usize, usize) -> bool,
) {
    if order.len() <= INSERTION_MAX {
        for i in 1..order.len() {
            let mut j = i;
            while j > 0 && is_less(order[j], order[j - 1]) {
                order.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let mid = order.len() / 2;
    merge_sort(&mut order[..mid], scratch, is_less);
    merge_sort(&mut order[mid..], scratch, is_less);
    scratch.clear();
    let (mut left, mut right) = (0, mid);
    while left < mid && right < order.len() {
        // Take from the right only when strictly less: equal items keep their order.
        if is_less(order[right], order[left]) {
            scratch.push(order[right]);
            right += 1;
        } else {
            scratch.push(order[left]);
            left += 1;
        }
    }
    scratch.extend_from_slice(&order[left..mid]);
    scratch.extend_from_slice(&order[right..]);
    order.copy_from_slice(scratch);
}

/// Moves the item at `order[k]` to position `k`, following the permutation's cycles with
/// `swap`s.
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut current = start;
        while order[current] != start {
            let next = order[current];
            swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

/// Sorts `items` stably in their natural order (as `slice::sort`).
pub(crate) fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, |a, b| a < b);
}

/// Sorts `items` stably by the key `key` computes (as `slice::sort_by_key`).
pub(crate) fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a) < key(b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples() {
        let mut pairs = [("b", 1), ("a", 2), ("b", 0), ("a", 1)];
        sort_by(&mut pairs, |x, y| x.0 < y.0);
        assert_eq!(pairs, [("a", 2), ("a", 1), ("b", 1), ("b", 0)]);
        let mut units = vec!["app/10".to_owned(), "app/2".to_owned(), "app/1".to_owned()];
        sort(&mut units);
        assert_eq!(units, ["app/1", "app/10", "app/2"]);
        let mut words = ["ccc", "a", "bb", "d"];
        sort_by_key(&mut words, |w| w.len());
        assert_eq!(words, ["a", "d", "bb", "ccc"]);
    }

    /// The same order as the standard library's stable sort, equal keys included.
    #[test]
    fn agrees_with_the_standard_stable_sort() {
        let mut seed = 0x2545_f491_u32;
        for len in (0..40).chain([33, 100, 257, 1000]) {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    ((seed % 7) as u8, i)
                })
                .collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |item| item.0);
            let mut std_sorted = items.clone();
            std_sorted.sort_by_key(|item| item.0);
            assert_eq!(ours, std_sorted, "{items:?}");
            let mut ours = items.clone();
            sort(&mut ours);
            let mut std_sorted = items;
            std_sorted.sort();
            assert_eq!(ours, std_sorted);
        }
    }

    /// A long list costs O(n log n) comparisons, not O(n²): 20,000 reversed items sort in
    /// well under a million comparisons (an insertion sort needs 2·10⁸ for them).
    #[test]
    fn long_lists_cost_n_log_n() {
        let mut items: Vec<u32> = (0..20_000).rev().collect();
        let mut comparisons = 0u64;
        sort_by(&mut items, |a, b| {
            comparisons += 1;
            a < b
        });
        assert!(items.windows(2).all(|w| w[0] <= w[1]));
        assert!(comparisons < 1_000_000, "{comparisons} comparisons");
    }
}
