//! (being written)

use crate::js::realm::Realm;

pub fn install(_realm: &mut Realm) {}
