//! The cart's pieces on other pages: the header's "Giỏ hàng" link with its line count, and the
//! "Thêm vào giỏ" form (a plain post that comes back to the page it was sent from; once its
//! island is awake, sent in the background and answered beside the button).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::{CartAddition, add_cart_item, get_cart_count};

/// The cart's line count after an in-place addition. Every island of a page lives in the same
/// wasm instance, so one signal reaches from any "Thêm vào giỏ" to the header's count. Only the
/// browser ever sets it: on the server each render gets a fresh one (a shared value there
/// would leak one visitor's cart into another's page).
fn added_count() -> ArcRwSignal<Option<i64>> {
    #[cfg(not(feature = "ssr"))]
    {
        thread_local! {
            static COUNT: ArcRwSignal<Option<i64>> = ArcRwSignal::new(None);
        }
        COUNT.with(Clone::clone)
    }
    #[cfg(feature = "ssr")]
    ArcRwSignal::new(None)
}

/// "Giỏ hàng (2)" in the header: the count is read on the server with the page.
#[component]
pub fn CartLink() -> impl IntoView {
    let count = Resource::new(|| (), |_| get_cart_count());
    view! {
        <a class="cart-link" href="/gio-hang">"Giỏ hàng"
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let count = match count.await {
                        Ok(Ok(n)) => n,
                        _ => 0,
                    };
                    view! { <CartCount count/> }
                })}
            </Suspense>
        </a>
    }
}

/// The "(2)" beside "Giỏ hàng": as the server counted, then as the last in-place addition left it.
#[island]
fn CartCount(count: i64) -> impl IntoView {
    let added = RwSignal::from(added_count());
    // One element, no loose text beside it: the same node whether the server or the browser
    // drew it (a leading " " text node made hydration fail once the cart held anything).
    let shown = move || added.get().unwrap_or(count);
    view! {
        <span class="cart-count" class:empty=move || shown() <= 0>
            {move || (shown() > 0).then(|| format!("({})", shown()))}
        </span>
    }
}

/// A "Thêm vào giỏ" form; `with_quantity` adds a quantity box (decimal keypad where the unit
/// allows fractions). The page it comes back to after a plain post is read here, on the server.
#[component]
pub fn AddToCart(
    product_id: String,
    #[prop(optional)] with_quantity: bool,
    #[prop(optional)] fractional: bool,
) -> impl IntoView {
    let next = super::here(&use_location());
    view! { <AddToCartForm product_id next with_quantity fractional/> }
}

/// Without JavaScript a plain post; once the island is awake the submit is sent as a server
/// function instead (no page load) and the outcome shows beside the button.
#[island]
fn AddToCartForm(
    product_id: String,
    next: String,
    with_quantity: bool,
    fractional: bool,
) -> impl IntoView {
    let mode = if fractional { "decimal" } else { "numeric" };
    let quantity = NodeRef::<leptos::html::Input>::new();
    let pending = RwSignal::new(false);
    // `None` until the first background addition answers: the server renders nothing here.
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let awake = super::awake();
    let added = added_count();
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
        let added = added.clone();
        leptos::task::spawn_local(async move {
            let answer = match add_cart_item(id, typed).await {
                Ok(Ok(CartAddition::Added { count })) => {
                    added.set(Some(count));
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
        <form class="add-to-cart" method="post" action="/gio-hang/them" on:submit=submit
            data-hydrated=awake>
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
