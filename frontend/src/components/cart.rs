//! The cart's pieces on other pages: the header's "Giỏ hàng" link with its line count, and the
//! "Thêm vào giỏ" form (a plain post that comes back to the page it was sent from; once
//! hydrated, sent in the background and answered beside the button).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::{CartAddition, add_cart_item, get_cart_count};

/// Bumped when "Thêm vào giỏ" changed the cart without a page load, so the header reads its
/// count again. Provided by the layout, above both the header and the pages.
#[derive(Debug, Clone, Copy)]
pub struct CartChanged(pub RwSignal<u32>);

/// "Giỏ hàng (2)" in the header.
#[component]
pub fn CartLink() -> impl IntoView {
    let location = use_location();
    let changed = use_context::<CartChanged>().map(|c| c.0);
    // Read again after each navigation and each in-place addition, so the count follows them.
    let count = Resource::new(
        move || (location.pathname.get(), changed.map(|c| c.get())),
        |_| get_cart_count(),
    );
    view! {
        <a class="cart-link" href="/gio-hang">"Giỏ hàng"
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match count.await {
                        Ok(Ok(n)) if n > 0 => Some(view! { " "<span class="cart-count">{format!("({n})")}</span> }),
                        _ => None,
                    }
                })}
            </Transition>
        </a>
    }
}

/// A "Thêm vào giỏ" form; `with_quantity` adds a quantity box (decimal keypad where the unit
/// allows fractions). Without JavaScript it is a plain post; once hydrated the submit is sent as
/// a server function instead (no page load) and the outcome shows beside the button.
#[component]
pub fn AddToCart(
    product_id: String,
    #[prop(optional)] with_quantity: bool,
    #[prop(optional)] fractional: bool,
) -> impl IntoView {
    let location = use_location();
    let next = super::here(&location);
    let mode = if fractional { "decimal" } else { "numeric" };
    let changed = use_context::<CartChanged>();
    let quantity = NodeRef::<leptos::html::Input>::new();
    let pending = RwSignal::new(false);
    // `None` until the first background addition answers: the server renders nothing here.
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let id = product_id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A second click while the first is on its way would add twice.
        if pending.get_untracked() {
            return;
        }
        let typed = quantity
            .get_untracked()
            .map_or_else(|| "1".to_owned(), |input| input.value());
        pending.set(true);
        // Cleared first so that a repeated answer is announced again.
        outcome.set(None);
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let answer = match add_cart_item(id, typed).await {
                Ok(Ok(CartAddition::Added { .. })) => {
                    if let Some(CartChanged(version)) = changed {
                        version.update(|v| *v = v.wrapping_add(1));
                    }
                    Ok(())
                }
                Ok(Ok(CartAddition::Refused { message })) => Err(message),
                // The server failed or could not be reached: nothing is known to be added.
                _ => Err("Chưa thêm được vào giỏ; hãy thử lại".to_owned()),
            };
            outcome.set(Some(answer));
            pending.set(false);
        });
    };
    view! {
        <form class="add-to-cart" method="post" action="/gio-hang/them" on:submit=submit>
            <input type="hidden" name="product_id" value=product_id/>
            <input type="hidden" name="next" value=next/>
            {if with_quantity {
                view! {
                    <label>"Số lượng "<input name="quantity" type="text" inputmode=mode size="4" value="1" node_ref=quantity/></label>
                }.into_any()
            } else {
                view! { <input type="hidden" name="quantity" value="1"/> }.into_any()
            }}
            " "<button type="submit" class="button primary" aria-busy=move || pending.get().then_some("true")>"Thêm vào giỏ"</button>
            <span class="add-to-cart-status" role="status">
                {move || outcome.get().map(|answer| match answer {
                    Ok(()) => view! {
                        <span class="added">"Đã thêm vào giỏ · "<a href="/gio-hang">"Xem giỏ hàng"</a></span>
                    }.into_any(),
                    Err(message) => view! { <span class="error">{message}</span> }.into_any(),
                })}
            </span>
        </form>
    }
}
