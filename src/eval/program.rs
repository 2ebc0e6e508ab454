//! A rule set ready to score: the resolved rules and their compiled plan, built together once
//! and never changed after.
//!
//! A [`RuleSet`] is data anyone may build or edit (`versions` merges revisions into one, tests
//! change fields); a [`Program`] is made from a finished one with [`Program::new`], which compiles
//! the plan. Everything that scores takes a `&Program`; everything that only reads the rules takes
//! a `&RuleSet`, which a `&Program` gives by dereference.

use super::plan::Plan;
use crate::model::RuleSet;
use std::ops::Deref;
use std::sync::Arc;

/// A rule set with its compiled plan. Cloning shares the plan.
#[derive(Debug, Clone)]
pub struct Program {
    plan: Arc<Plan>,
}

impl Program {
    /// Compiles a finished rule set for scoring.
    pub fn new(rules: RuleSet) -> Program {
        let plan = Arc::new(Plan::compile(Arc::new(rules)));
        Program { plan }
    }

    /// The rules.
    pub fn rules(&self) -> &RuleSet {
        self.plan.rules()
    }

    /// The compiled plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The rules, to change them (and then compile them again).
    pub fn into_rules(self) -> RuleSet {
        let rules = match Arc::try_unwrap(self.plan) {
            Ok(plan) => plan.into_rules(),
            Err(shared) => shared.rules_shared(),
        };
        Arc::try_unwrap(rules).unwrap_or_else(|shared| (*shared).clone())
    }
}

impl Deref for Program {
    type Target = RuleSet;

    fn deref(&self) -> &RuleSet {
        self.plan.rules()
    }
}

impl From<RuleSet> for Program {
    fn from(rules: RuleSet) -> Program {
        Program::new(rules)
    }
}
