//! "Gọi" and "Zalo" buttons for the phone number a producer published: buyers in the countryside
//! ask before they order, and most of them do it by a call or on Zalo.

use leptos::prelude::*;

/// Where the buttons lead for one published number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactLinks {
    /// `tel:0912345678` (or `tel:+…` for a number given in another country's form).
    pub tel: String,
    /// `https://zalo.me/0912345678`, only for a Vietnamese mobile number: Zalo accounts hang on
    /// those, and a landline or a foreign number would open a page that finds nobody.
    pub zalo: Option<String>,
    /// The number as people read it back (`0912 345 678`).
    pub shown: String,
}

/// The links for a number as the producer typed it (`0912.345.678`, `+84 912 345 678`,
/// `0208 3855 123`…); `None` when it has too few digits to dial.
pub fn contact_links(raw: &str) -> Option<ContactLinks> {
    let trimmed = raw.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if !(8..=15).contains(&digits.len()) {
        return None;
    }
    let national = match digits.strip_prefix("84") {
        Some(rest) if trimmed.starts_with('+') || digits.len() == 11 => format!("0{rest}"),
        _ if trimmed.starts_with('+') => return Some(foreign(&digits)),
        _ => digits,
    };
    let mobile = national.len() == 10
        && national.starts_with('0')
        && matches!(national.as_bytes()[1], b'3' | b'5' | b'7' | b'8' | b'9');
    let shown = if mobile {
        format!("{} {} {}", &national[..4], &national[4..7], &national[7..])
    } else {
        trimmed.to_owned()
    };
    Some(ContactLinks {
        tel: format!("tel:{national}"),
        zalo: mobile.then(|| format!("https://zalo.me/{national}")),
        shown,
    })
}

fn foreign(digits: &str) -> ContactLinks {
    ContactLinks {
        tel: format!("tel:+{digits}"),
        zalo: None,
        shown: format!("+{digits}"),
    }
}

/// The buttons, or nothing when the producer published no usable number. Plain links: they
/// work without JavaScript and open the phone's dialler or the Zalo app.
#[component]
pub fn ContactButtons(phone: Option<String>) -> impl IntoView {
    phone.as_deref().and_then(contact_links).map(|links| {
        view! {
            <p class="contact-buttons">
                <a class="button primary" href=links.tel.clone()
                    aria-label=format!("Gọi {}", links.shown)>"📞 Gọi "<span class="phone-number">{links.shown.clone()}</span></a>
                {links.zalo.clone().map(|zalo| view! {
                    <a class="button" href=zalo target="_blank" rel="noopener nofollow">"Zalo"</a>
                })}
            </p>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::contact_links;

    #[test]
    fn a_mobile_number_gets_a_call_and_a_zalo_link_whatever_its_form() {
        for raw in [
            "0912 345 678",
            "0912.345.678",
            "+84 912 345 678",
            "84912345678",
        ] {
            let links = contact_links(raw).expect(raw);
            assert_eq!(links.tel, "tel:0912345678", "{raw}");
            assert_eq!(
                links.zalo.as_deref(),
                Some("https://zalo.me/0912345678"),
                "{raw}"
            );
            assert_eq!(links.shown, "0912 345 678");
        }
    }

    #[test]
    fn a_landline_can_be_called_but_has_no_zalo() {
        let links = contact_links("0208 3855 123").unwrap();
        assert_eq!(links.tel, "tel:02083855123");
        assert_eq!(links.zalo, None);
        assert_eq!(links.shown, "0208 3855 123");
    }

    #[test]
    fn too_few_digits_show_no_buttons() {
        assert_eq!(contact_links(""), None);
        assert_eq!(contact_links("123"), None);
        assert_eq!(contact_links("+33 1 23 45 67 89").unwrap().zalo, None);
    }
}
