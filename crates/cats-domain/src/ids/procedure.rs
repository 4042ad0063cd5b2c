//! The transit procedure letter of an MRN.

/// The procedure letter at position 17 of an MRN allocated for a transit declaration, from the
/// declaration's security indicator.
///
/// Source: NCTS Phase 5 MRN structure (procedure indicator, character 17); DOMAIN.md section 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProcedureLetter {
    /// `J`: transit only (security indicator 0).
    J,
    /// `K`: transit with exit summary declaration (security indicator 2).
    K,
    /// `L`: transit with entry summary declaration (security indicator 1).
    L,
    /// `M`: transit with entry and exit summary declarations (security indicator 3).
    M,
}

impl ProcedureLetter {
    /// The letter for a security indicator: 0 → J, 1 → L, 2 → K, 3 → M; other values → `None`.
    pub fn from_security(security: u8) -> Option<Self> {
        match security {
            0 => Some(Self::J),
            1 => Some(Self::L),
            2 => Some(Self::K),
            3 => Some(Self::M),
            _ => None,
        }
    }

    /// The security indicator this letter stands for (inverse of [`Self::from_security`]).
    pub fn security(self) -> u8 {
        match self {
            Self::J => 0,
            Self::L => 1,
            Self::K => 2,
            Self::M => 3,
        }
    }

    /// The letter for `J`, `K`, `L` or `M`; any other character → `None`.
    pub fn from_char(c: char) -> Option<Self> {
        match c {
            'J' => Some(Self::J),
            'K' => Some(Self::K),
            'L' => Some(Self::L),
            'M' => Some(Self::M),
            _ => None,
        }
    }

    /// The letter as a character.
    pub fn as_char(self) -> char {
        match self {
            Self::J => 'J',
            Self::K => 'K',
            Self::L => 'L',
            Self::M => 'M',
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn procedure_letters_follow_the_security_indicator() {
        let letters: Vec<_> = (0..=4).map(ProcedureLetter::from_security).collect();
        use ProcedureLetter::*;
        assert_eq!(letters, [Some(J), Some(L), Some(K), Some(M), None]);
        for p in [J, K, L, M] {
            assert_eq!(ProcedureLetter::from_security(p.security()), Some(p));
            assert_eq!(ProcedureLetter::from_char(p.as_char()), Some(p));
        }
    }
}
