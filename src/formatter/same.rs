//! Comparing syntax trees with their spans aside: the formatter's soundness check.
//!
//! Formatting moves every byte, so spans always differ; what must not differ is everything else.
//! [`erase_spans`] sets every span (and every script's code offset) to zero with the one walk over
//! a tree's spans ([`crate::syntax::walk`]), after which two trees are equal exactly when they say
//! the same thing, down to how each number was written.

use crate::diag::Span;
use crate::syntax::ast::File;
use crate::syntax::walk::{Visit, Walk};

/// Whether two files say the same thing, spans aside.
pub fn same_tree(a: &File, b: &File) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    erase_spans(&mut a);
    erase_spans(&mut b);
    a == b
}

/// Sets every span in the tree to the empty span at 0.
pub fn erase_spans(f: &mut File) {
    struct Zero;
    impl Visit for Zero {
        fn span(&mut self, span: &mut Span) {
            *span = Span::default();
        }
    }
    f.walk(&mut Zero);
}
