//! How the queue panes share the height of the queue area: each pane asks for the room its
//! rows need; when all fit, each gets it; when they don't, every pane keeps a few rows (fewer
//! when even that does not fit, down to one) and the rest goes to the panes that ask for
//! more, in proportion to what they ask, every whole row handed out.

/// The rows a pane keeps when space is short (or fewer, if it has fewer).
pub const MIN_ROWS: f32 = 3.0;

/// Heights (in rows) for panes wanting `wanted` rows each, sharing `available` rows.
pub fn share_rows(wanted: &[f32], available: f32) -> Vec<f32> {
    let total: f32 = wanted.iter().sum();
    if total <= available {
        return wanted.to_vec();
    }
    // The floor every pane keeps: MIN_ROWS, lowered while the floors alone overflow.
    let mut floor = MIN_ROWS;
    let floors = |floor: f32| -> Vec<f32> { wanted.iter().map(|w| w.min(floor)).collect() };
    while floor > 1.0 && floors(floor).iter().sum::<f32>() > available {
        floor -= 1.0;
    }
    let mut rows = floors(floor);
    let spare = (available - rows.iter().sum::<f32>()).max(0.0);
    let extra: Vec<f32> = wanted.iter().zip(&rows).map(|(w, f)| w - f).collect();
    let extra_total: f32 = extra.iter().sum();
    if spare <= 0.0 || extra_total <= 0.0 {
        return rows;
    }
    // Whole rows in proportion, then the rows left to the largest remainders.
    let exact: Vec<f32> = extra.iter().map(|e| spare * e / extra_total).collect();
    for (row, share) in rows.iter_mut().zip(&exact) {
        *row += share.floor();
    }
    let mut left = spare - exact.iter().map(|e| e.floor()).sum::<f32>();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|a, b| (exact[*b].fract()).total_cmp(&exact[*a].fract()));
    for i in order {
        if left < 1.0 {
            break;
        }
        if rows[i] < wanted[i] {
            rows[i] += 1.0;
            left -= 1.0;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Panes that all fit get exactly their rows; an empty pane gets none.
    #[test]
    fn all_fit() {
        assert_eq!(share_rows(&[0.0, 2.0, 5.0], 30.0), vec![0.0, 2.0, 5.0]);
    }

    /// A pane with 60 waiting gets most of the room; a small one keeps its rows.
    #[test]
    fn the_busy_pane_gets_the_room() {
        let rows = share_rows(&[0.0, 2.0, 60.0, 1.0], 30.0);
        assert_eq!(rows[0], 0.0);
        assert_eq!(rows[1], 2.0);
        assert_eq!(rows[3], 1.0);
        assert!(rows[2] >= 26.0, "{rows:?}");
        assert!(rows.iter().sum::<f32>() <= 30.0, "{rows:?}");
    }

    /// Two busy panes share in proportion, each keeping at least a few rows.
    #[test]
    fn busy_panes_share_in_proportion() {
        let rows = share_rows(&[10.0, 50.0], 20.0);
        assert!(rows[0] >= MIN_ROWS && rows[1] > rows[0], "{rows:?}");
        assert!(rows.iter().sum::<f32>() <= 20.0, "{rows:?}");
    }

    /// With no room at all, panes keep a row each (the area then scrolls).
    #[test]
    fn no_room_keeps_a_row() {
        assert_eq!(share_rows(&[10.0, 1.0], 0.0), vec![1.0, 1.0]);
    }

    /// When a few rows each do not fit (1100 x 720, three toasts, 40 waiting), the floor
    /// comes down so the panes fit, the busiest pane gets the most, and every row is used.
    #[test]
    fn short_room_lowers_the_floor_and_uses_every_row() {
        let rows = share_rows(&[7.0, 19.0, 6.0, 8.0], 10.0);
        assert_eq!(rows.iter().sum::<f32>(), 10.0, "{rows:?}");
        assert!(rows.iter().all(|r| *r >= 1.0), "{rows:?}");
        assert!(rows[1] >= rows[0] && rows[1] >= rows[3], "{rows:?}");
    }

    /// Whole rows left by rounding go to the panes that still want them.
    #[test]
    fn rounding_leaves_no_row_unused() {
        let rows = share_rows(&[10.0, 10.0, 10.0], 20.0);
        assert_eq!(rows.iter().sum::<f32>(), 20.0, "{rows:?}");
    }
}
