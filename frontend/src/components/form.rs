//! Form fields that put the user's last typed value back and show the server's Vietnamese error
//! beside the field, so a failed plain-HTML post loses nothing.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::api::{BackendError, Choice, FormState};
use crate::format::{plain_dong, plain_quantity, quantity_vi, vnd};
use crate::pages::not_found::NotFound;

/// `<input>` with its label and error. `value` is already the typed-or-stored value.
#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    value: String,
    #[prop(optional_no_strip)] error: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] step: Option<&'static str>,
    /// The keyboard a phone shows (`numeric`, `decimal`) for a text box that takes a number.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// What the server will read from the text, shown beside the box ("= 250.000 ₫"): from
    /// the value as rendered, then, once the field's island is awake, as the user types.
    #[prop(optional)]
    echo: Option<Echo>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let error_id = format!("e-{name}");
    let invalid = error.is_some();
    let input = view! {
        <input
            id=id.clone()
            name=name
            type=kind
            value=value.clone()
            required=required
            step=step
            inputmode=inputmode
            autocomplete=autocomplete
            aria-invalid=invalid.then_some("true")
            aria-describedby=invalid.then(|| error_id.clone())
        />
    };
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}{required.then_some(" *")}</label>
            {match echo {
                Some(echo) => view! {
                    <EchoedInput echo initial=echo.read(&value) output_for=id.clone()>{input}</EchoedInput>
                }.into_any(),
                None => input.into_any(),
            }}
            {hint.map(|h| view! { <small class="hint">{h}</small> })}
            {error.map(|e| view! { <p class="field-error" id=error_id>{e}</p> })}
        </div>
    }
}

/// What a text box's echo says the server will read from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Echo {
    /// "= 250.000 ₫" for a price the server will accept as typed; nothing otherwise (the
    /// server then says why beside the box).
    Price,
    /// "= 2,5" for the amount the server will read, so `1.000` showing "= 1" is caught.
    Quantity,
}

impl Echo {
    pub fn read(self, typed: &str) -> Option<String> {
        match self {
            Echo::Price => {
                let plain = plain_dong(typed)?;
                let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
                let whole_dong = fraction.bytes().all(|b| b == b'0');
                let amount = whole.parse::<u64>().ok().filter(|n| *n > 0 && whole_dong)?;
                Some(format!("= {}", vnd(&amount.to_string())))
            }
            Echo::Quantity => {
                let plain = plain_quantity(typed).filter(|p| !p.starts_with('-'))?;
                Some(format!("= {}", quantity_vi(&plain)))
            }
        }
    }
}

/// The input (server-rendered, as a child) and its echo. The wrapper takes no room of its own
/// (`display: contents`) and hears the input's `input` events as they bubble.
#[island]
fn EchoedInput(
    echo: Echo,
    initial: Option<String>,
    output_for: String,
    children: Children,
) -> impl IntoView {
    let echoed = RwSignal::new(initial);
    let awake = super::awake();
    view! {
        <div class="echo-input" data-hydrated=awake
            on:input=move |ev| echoed.set(echo.read(&event_target_value(&ev)))>
            {children()}
            <output class="echo" for=output_for aria-live="polite">{move || echoed.get()}</output>
        </div>
    }
}

/// `<textarea>` with its label and error.
#[component]
pub fn TextArea(
    name: &'static str,
    label: &'static str,
    value: String,
    #[prop(optional_no_strip)] error: Option<String>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let invalid = error.is_some();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <textarea id=id name=name rows="5" aria-invalid=invalid.then_some("true")>{value}</textarea>
            {error.map(|e| view! { <p class="field-error">{e}</p> })}
        </div>
    }
}

/// `<select>` over `choices`; `blank` adds an empty first option ("none").
#[component]
pub fn SelectField(
    name: &'static str,
    label: &'static str,
    value: String,
    choices: Vec<Choice>,
    #[prop(optional_no_strip)] error: Option<String>,
    #[prop(optional)] blank: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let id = format!("f-{name}");
    let invalid = error.is_some();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}{required.then_some(" *")}</label>
            <select id=id name=name required=required aria-invalid=invalid.then_some("true")>
                {blank.map(|b| view! { <option value="">{b}</option> })}
                {choices
                    .into_iter()
                    .map(|c| {
                        let selected = c.value == value;
                        view! { <option value=c.value selected=selected>{c.label}</option> }
                    })
                    .collect_view()}
            </select>
            {error.map(|e| view! { <p class="field-error">{e}</p> })}
        </div>
    }
}

/// The whole-form error and the one-off confirmation above a form.
#[component]
pub fn FormMessages(form: FormState) -> impl IntoView {
    let count = form.errors.keys().filter(|k| *k != "_form").count();
    let whole = form.error("_form");
    view! {
        {form.notice.map(|n| view! { <p class="flash" role="status">{n}</p> })}
        {whole.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        {(count > 0).then(|| view! {
            <p class="form-error" role="alert">{format!("Có {count} ô cần sửa, xem thông báo bên dưới từng ô.")}</p>
        })}
    }
}

/// What a workspace page shows when it cannot show its content: the login page for nobody,
/// a refusal for someone else's workspace, the 404 page, or a failure message.
pub fn refusal(error: BackendError) -> AnyView {
    match error {
        BackendError::Unauthorized => {
            let location = use_location();
            let here = super::here(&location);
            let target = format!(
                "/dang-nhap?next={}",
                form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
            );
            view! { <Redirect path=target/> }.into_any()
        }
        BackendError::Forbidden => view! {
            <h1>"Không có quyền"</h1>
            <p>"Bạn không phải là thành viên của cơ sở này."</p>
            <p><a href="/quan-ly">"Về kênh người bán"</a></p>
        }
        .into_any(),
        BackendError::NotFound => view! { <NotFound/> }.into_any(),
        BackendError::Invalid(_) | BackendError::Internal => view! {
            <p class="error">"Không tải được trang. Hãy thử lại sau ít phút."</p>
        }
        .into_any(),
    }
}
