//! Temporary stand-in until guard::SplitWindow lands.
use crate::domain::Finding;
pub struct SplitHit { pub findings: Vec<Finding>, pub message_ids: Vec<i32> }
pub struct SplitWindow;
impl SplitWindow {
    pub fn new(_w: i64, _m: usize) -> Self { SplitWindow }
    pub fn push(&mut self, _c: i64, _u: i64, _m: i32, _n: i64, _t: &str) -> Option<SplitHit> { None }
}
