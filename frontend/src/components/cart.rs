//! The cart's pieces on other pages: the header's "Giỏ hàng" link with its line count, and the
//! "Thêm vào giỏ" form (a plain post that comes back to the page it was sent from).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::get_cart_count;

/// "Giỏ hàng (2)" in the header.
#[component]
pub fn CartLink() -> impl IntoView {
    let location = use_location();
    // Read again after each navigation, so the count follows additions once hydrated.
    let count = Resource::new(move || location.pathname.get(), |_| get_cart_count());
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
/// allows fractions).
#[component]
pub fn AddToCart(
    product_id: String,
    #[prop(optional)] with_quantity: bool,
    #[prop(optional)] fractional: bool,
) -> impl IntoView {
    let location = use_location();
    let next = format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    );
    let mode = if fractional { "decimal" } else { "numeric" };
    view! {
        <form class="add-to-cart" method="post" action="/gio-hang/them">
            <input type="hidden" name="product_id" value=product_id/>
            <input type="hidden" name="next" value=next/>
            {if with_quantity {
                view! {
                    <label>"Số lượng "<input name="quantity" type="text" inputmode=mode size="4" value="1"/></label>
                }.into_any()
            } else {
                view! { <input type="hidden" name="quantity" value="1"/> }.into_any()
            }}
            " "<button type="submit" class="button primary">"Thêm vào giỏ"</button>
        </form>
    }
}
