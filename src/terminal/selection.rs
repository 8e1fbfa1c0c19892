//! Selections in a terminal's history. A cell is named by its line in the whole history
//! (not its row on screen), so a selection stays on the same text while new output
//! scrolls it up, and can reach into the scrollback.

/// A cell of the history: `line` counts every line the terminal has had, from 0 for its
/// first; the oldest line still held is [`super::TerminalModel::first_line`].
///
/// Ordered by line, then column (the reading order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GridPoint {
    pub line: u64,
    pub col: u16,
}

/// A run of cells in reading order from `anchor` (where the drag began) to `head` (where
/// the pointer is), both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    pub anchor: GridPoint,
    pub head: GridPoint,
}

impl Selection {
    /// A selection of the one cell at `point`, to be extended.
    pub fn at(point: GridPoint) -> Selection {
        Selection {
            anchor: point,
            head: point,
        }
    }

    /// The first and last selected cells, in reading order.
    pub fn ordered(&self) -> (GridPoint, GridPoint) {
        if self.anchor <= self.head {
            (self.anchor, self.head)
        } else {
            (self.head, self.anchor)
        }
    }

    /// The selected columns of history line `line` in a terminal `cols` wide, as an
    /// inclusive range, if any of it is selected.
    pub fn columns_on(&self, line: u64, cols: u16) -> Option<(u16, u16)> {
        let (start, end) = self.ordered();
        if line < start.line || line > end.line || cols == 0 {
            return None;
        }
        let last_col = cols - 1;
        let from = if line == start.line { start.col } else { 0 };
        let to = if line == end.line { end.col } else { last_col };
        let (from, to) = (from.min(last_col), to.min(last_col));
        (from <= to).then_some((from, to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(line: u64, col: u16) -> GridPoint {
        GridPoint { line, col }
    }

    /// A selection dragged backwards reads the same as one dragged forwards.
    #[test]
    fn ordered_puts_the_earlier_cell_first() {
        let backwards = Selection {
            anchor: point(5, 2),
            head: point(3, 7),
        };
        assert_eq!(backwards.ordered(), (point(3, 7), point(5, 2)));
        let same_line = Selection {
            anchor: point(4, 9),
            head: point(4, 1),
        };
        assert_eq!(same_line.ordered(), (point(4, 1), point(4, 9)));
    }

    /// The first line is selected from the start column, the middle ones whole, the last
    /// up to the end column; lines outside are not.
    #[test]
    fn columns_on_each_line() {
        let selection = Selection {
            anchor: point(10, 4),
            head: point(12, 2),
        };
        assert_eq!(selection.columns_on(9, 80), None);
        assert_eq!(selection.columns_on(10, 80), Some((4, 79)));
        assert_eq!(selection.columns_on(11, 80), Some((0, 79)));
        assert_eq!(selection.columns_on(12, 80), Some((0, 2)));
        assert_eq!(selection.columns_on(13, 80), None);
        // Columns past a narrowed terminal are held to its width.
        assert_eq!(
            Selection::at(point(1, 90)).columns_on(1, 80),
            Some((79, 79))
        );
    }
}
