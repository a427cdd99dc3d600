//! Accounts: email addresses, passwords and display names as they parse, and the signed-in user
//! with the roles and producer memberships that access rules look at.

use serde::Serialize;
use uuid::Uuid;

/// A normalised (trimmed, lowercase) email address with a plausible shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                    && domain.chars().filter(|c| *c == '@').count() == 0
            });
        if valid {
            Ok(Email(email))
        } else {
            Err("email không hợp lệ".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password we accept: 8–128 characters that are not among the common or easily guessed ones
/// (zxcvbn's dictionaries, keyboard walks, repeats, the person's own email). Length and rarity are
/// what resist guessing; there are no composition rules.
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Password, String> {
        Password::parse_for(raw, &[])
    }

    /// Like [`Password::parse`], also refusing one built from `personal` (email, display name).
    pub fn parse_for(raw: &str, personal: &[&str]) -> Result<Password, String> {
        let chars = raw.chars().count();
        if chars < 8 {
            Err("mật khẩu cần ít nhất 8 ký tự".into())
        } else if chars > 128 {
            Err("mật khẩu dài tối đa 128 ký tự".into())
        } else if zxcvbn::zxcvbn(raw, personal).score() < zxcvbn::Score::Two {
            Err("mật khẩu này quá dễ đoán (như 12345678, 00000000 hay password); hãy dùng một cụm từ dài hơn chỉ bạn biết".into())
        } else {
            Ok(Password(raw.to_owned()))
        }
    }

    pub fn expose(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// How a user is shown to others: 1–100 characters.
pub fn parse_display_name(raw: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err("hãy nhập tên hiển thị".into()),
        1..=100 => Ok(name),
        _ => Err("tên hiển thị dài tối đa 100 ký tự".into()),
    }
}

wire_enum! {
    /// Roles granted on top of "buyer", which every account is.
    pub enum Role {
        Curator,
        Admin,
    }
    else "phải là curator hoặc admin"
}

wire_enum! {
    pub enum MemberRole {
        Owner,
        Member,
    }
    else "phải là owner hoặc member"
}

#[derive(Debug, Clone, Serialize)]
pub struct Membership {
    pub producer_id: Uuid,
    pub producer_slug: String,
    pub role: MemberRole,
}

/// A signed-in user with everything access rules look at.
#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub memberships: Vec<Membership>,
}

/// Every access rule in the app. A handler or service command states its rule once, first.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    SignedIn,
    /// Owner or member of this producer.
    MemberOf(Uuid),
    /// Owner of this producer.
    OwnerOf(Uuid),
    Curator,
    Admin,
}

impl User {
    /// Whether this user passes `rule`.
    pub fn allows(&self, rule: Rule) -> bool {
        match rule {
            Rule::SignedIn => true,
            Rule::MemberOf(producer) => self.membership(producer).is_some(),
            Rule::OwnerOf(producer) => self.membership(producer) == Some(MemberRole::Owner),
            // Admins can do what curators do.
            Rule::Curator => self.has_role(Role::Curator) || self.has_role(Role::Admin),
            Rule::Admin => self.has_role(Role::Admin),
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn membership(&self, producer_id: Uuid) -> Option<MemberRole> {
        self.memberships
            .iter()
            .find(|m| m.producer_id == producer_id)
            .map(|m| m.role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Lan@Example.VN ").unwrap().as_str(),
            "lan@example.vn"
        );
        for (bad, why) in [
            ("", "empty"),
            ("lan", "no @"),
            ("@example.vn", "no local part"),
            ("lan@example", "no dot in domain"),
            ("lan@.vn", "domain starts with a dot"),
            ("lan@@example.vn", "two @"),
            ("la n@example.vn", "space"),
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}: {why}");
        }
    }

    #[test]
    fn passwords_need_eight_to_128_characters() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("mậtkhẩu8").is_ok());
        assert!(Password::parse("mat-khau-du-dai").is_ok());
        for common in [
            "00000000", "12345678", "password", "11111111", "qwertyui", "abcd1234",
        ] {
            assert!(Password::parse(common).is_err(), "{common}");
        }
        assert!(Password::parse_for("hoa@example.vn", &["hoa@example.vn"]).is_err());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert_eq!(
            format!("{:?}", Password::parse("secret-password").unwrap()),
            "Password(…)"
        );
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(parse_display_name("  Chị   Lan ").unwrap(), "Chị Lan");
        assert!(parse_display_name("   ").is_err());
        assert!(parse_display_name(&"a".repeat(101)).is_err());
    }
}
