//! Stable sorting in little code. The standard library's stable sort (driftsort) costs about
//! 3.7 KB of machine code, plus its unwind tables, for every element type and comparator it is
//! used with, and `collect::<BTreeMap<_, _>>()` runs it too (it sorts before building the
//! tree); twenty such uses were about 80 KB of every charm binary. What a hook sorts holds a
//! handful of items (units, integrations, files, ports), so an insertion sort gives the very
//! same order (it is stable) in a few hundred bytes per use. Build a `BTreeMap` with
//! `extend` (one `insert` per item, no sort) rather than `collect`.

/// Sorts `items` stably: `is_less(a, b)` tells whether `a` goes strictly before `b`; equal
/// items keep their order. O(n²) comparisons: meant for short lists.
pub(crate) fn sort_by<T>(items: &mut [T], mut is_less: impl FnMut(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && is_less(&items[j], &items[j - 1]) {
            items.swap(j - 1, j);
            j -= 1;
        }
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
        for len in 0..40 {
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
}
