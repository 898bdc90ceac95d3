//! Boolean formulas over atoms, and implication decided by a truth table.
//!
//! The guard analysis collects *facts*: the conditions that are known to hold wherever an
//! expression is evaluated (`mkIf C X` makes `C` a fact inside `X`). An access is guarded
//! when the conjunction of its facts implies the guard atom. Formulas here are small (the
//! conditions people write in modules), so implication is decided by enumerating every
//! assignment of the atoms involved: at most [`MAX_ATOMS`] of them, above which the
//! analysis assumes "not implied" (the spec's bound).

use std::collections::{BTreeSet, HashMap};

/// Above this many atoms, implication is not decided and the access counts as unguarded.
pub const MAX_ATOMS: usize = 12;

/// The identity of an atom: a resolved option path or an opaque sub-expression.
pub type AtomId = u32;

/// A boolean formula over atoms.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Formula {
    /// `true` or `false`.
    Const(bool),
    /// An atom (an option path such as `services.x.enable`, or an opaque expression).
    Atom(AtomId),
    /// Negation.
    Not(Box<Formula>),
    /// Conjunction.
    And(Vec<Formula>),
    /// Disjunction.
    Or(Vec<Formula>),
    /// Implication `A -> B`.
    Implies(Box<Formula>, Box<Formula>),
}

impl Formula {
    /// `¬self`, folding double negation and constants.
    pub fn negate(self) -> Formula {
        match self {
            Formula::Const(value) => Formula::Const(!value),
            Formula::Not(inner) => *inner,
            other => Formula::Not(Box::new(other)),
        }
    }

    /// Adds the atoms of this formula to `atoms`.
    pub fn collect_atoms(&self, atoms: &mut BTreeSet<AtomId>) {
        match self {
            Formula::Const(_) => {}
            Formula::Atom(atom) => {
                atoms.insert(*atom);
            }
            Formula::Not(inner) => inner.collect_atoms(atoms),
            Formula::And(parts) | Formula::Or(parts) => {
                parts.iter().for_each(|part| part.collect_atoms(atoms))
            }
            Formula::Implies(premise, conclusion) => {
                premise.collect_atoms(atoms);
                conclusion.collect_atoms(atoms);
            }
        }
    }

    /// The value of the formula under an assignment (`index[atom]` is the bit of `bits`).
    fn eval(&self, index: &HashMap<AtomId, usize>, bits: u32) -> bool {
        match self {
            Formula::Const(value) => *value,
            Formula::Atom(atom) => index.get(atom).is_some_and(|bit| bits & (1 << bit) != 0),
            Formula::Not(inner) => !inner.eval(index, bits),
            Formula::And(parts) => parts.iter().all(|part| part.eval(index, bits)),
            Formula::Or(parts) => parts.iter().any(|part| part.eval(index, bits)),
            Formula::Implies(premise, conclusion) => {
                !premise.eval(index, bits) || conclusion.eval(index, bits)
            }
        }
    }
}

/// Whether the conjunction of `facts` implies the atom `goal`.
///
/// Facts that share no atom (directly or through other facts) with `goal` cannot help to
/// prove it, except by being contradictory together; so the facts are split into groups
/// connected by shared atoms. The group of the goal is checked by a truth table; each
/// other group only matters if it is unsatisfiable (dead code such as
/// `if a then (if !a then X else …) else …`). A group with more than [`MAX_ATOMS`] atoms is
/// not decided: for the goal's group that means "not implied", for the others
/// "satisfiable".
pub fn implies(facts: &[Formula], goal: AtomId) -> bool {
    let fact_atoms: Vec<BTreeSet<AtomId>> = facts
        .iter()
        .map(|fact| {
            let mut atoms = BTreeSet::new();
            fact.collect_atoms(&mut atoms);
            atoms
        })
        .collect();
    // Union-find over fact indices, plus a pseudo-fact for the goal at index facts.len().
    let count = facts.len() + 1;
    let mut parent: Vec<usize> = (0..count).collect();
    fn find(parent: &mut [usize], mut item: usize) -> usize {
        while parent[item] != item {
            parent[item] = parent[parent[item]];
            item = parent[item];
        }
        item
    }
    let mut owner: HashMap<AtomId, usize> = HashMap::new();
    owner.insert(goal, facts.len());
    for (position, atoms) in fact_atoms.iter().enumerate() {
        for atom in atoms {
            match owner.get(atom) {
                Some(&other) => {
                    let (a, b) = (find(&mut parent, position), find(&mut parent, other));
                    parent[a] = b;
                }
                None => {
                    owner.insert(*atom, position);
                }
            }
        }
    }
    let goal_group = find(&mut parent, facts.len());
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for position in 0..facts.len() {
        let group = find(&mut parent, position);
        groups.entry(group).or_default().push(position);
    }
    for (group, members) in &groups {
        if *group == goal_group {
            continue;
        }
        let formulas: Vec<&Formula> = members.iter().map(|&m| &facts[m]).collect();
        if unsatisfiable(&formulas) {
            return true;
        }
    }
    let members = groups.remove(&goal_group).unwrap_or_default();
    let formulas: Vec<&Formula> = members.iter().map(|&m| &facts[m]).collect();
    let mut atoms = BTreeSet::new();
    formulas.iter().for_each(|f| f.collect_atoms(&mut atoms));
    if atoms.len() > MAX_ATOMS {
        return false;
    }
    atoms.insert(goal);
    let index: HashMap<AtomId, usize> = atoms.iter().enumerate().map(|(i, a)| (*a, i)).collect();
    (0..1u32 << atoms.len()).all(|bits| {
        !formulas.iter().all(|f| f.eval(&index, bits)) || Formula::Atom(goal).eval(&index, bits)
    })
}

/// Whether no assignment makes all `formulas` true (false when there are too many atoms).
fn unsatisfiable(formulas: &[&Formula]) -> bool {
    let mut atoms = BTreeSet::new();
    formulas.iter().for_each(|f| f.collect_atoms(&mut atoms));
    if atoms.len() > MAX_ATOMS {
        return false;
    }
    let index: HashMap<AtomId, usize> = atoms.iter().enumerate().map(|(i, a)| (*a, i)).collect();
    !(0..1u32 << atoms.len()).any(|bits| formulas.iter().all(|f| f.eval(&index, bits)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(id: AtomId) -> Formula {
        Formula::Atom(id)
    }

    #[test]
    fn a_fact_implies_itself_and_conjunctions_imply_their_parts() {
        assert!(implies(&[atom(1)], 1));
        assert!(implies(&[Formula::And(vec![atom(0), atom(1)])], 1));
        assert!(!implies(&[Formula::Or(vec![atom(0), atom(1)])], 1));
        assert!(!implies(&[], 1));
        assert!(!implies(&[atom(2)], 1));
    }

    #[test]
    fn implication_and_negation() {
        // a, a -> g  ⊢ g
        let fact = Formula::Implies(Box::new(atom(0)), Box::new(atom(1)));
        assert!(implies(&[atom(0), fact.clone()], 1));
        assert!(!implies(&[fact], 1));
        // ¬(¬g) ⊢ g
        assert!(implies(&[atom(1).negate().negate()], 1));
        // ¬(g -> x) ⊢ g  (the assertion-message rule)
        let failed = Formula::Implies(Box::new(atom(1)), Box::new(atom(5))).negate();
        assert!(implies(&[failed], 1));
        // ¬(¬a ∨ ¬g) ⊢ g
        let failed = Formula::Or(vec![atom(0).negate(), atom(1).negate()]).negate();
        assert!(implies(&[failed], 1));
    }

    #[test]
    fn contradictory_unrelated_facts_imply_anything() {
        assert!(implies(&[atom(3), atom(3).negate()], 1));
    }

    #[test]
    fn too_many_atoms_is_not_guarded() {
        let big = Formula::And((0..13).map(atom).collect());
        assert!(!implies(&[big], 0));
        let small = Formula::And((0..12).map(atom).collect());
        assert!(implies(&[small], 0));
        // Unrelated facts do not count towards the bound.
        let unrelated = Formula::And((100..120).map(atom).collect());
        assert!(implies(&[unrelated, atom(0)], 0));
    }
}
