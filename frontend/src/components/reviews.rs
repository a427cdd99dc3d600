//! Reviews on pages: the stars and count beside a product, its latest reviews with the
//! producer's replies, the producer's reply and the curators' hide forms under each review for
//! those who may use them, and the buyer's review forms on a delivered order (plain form posts).

use leptos::prelude::*;

use crate::api::{FormState, Rating, Review, ReviewSlot, ReviewTools};

/// "★★★★☆" for a rating rounded to whole stars.
pub fn stars_text(rating: f64) -> String {
    let full = rating.round().clamp(0.0, 5.0) as usize;
    format!("{}{}", "★".repeat(full), "☆".repeat(5 - full))
}

/// "4,5 ★ (12 đánh giá)": the average as Vietnamese writes decimals.
#[component]
pub fn RatingBadge(rating: Rating) -> impl IntoView {
    let value: f64 = rating.average.parse().unwrap_or(0.0);
    let label = format!(
        "{} trên 5 sao, {} đánh giá",
        rating.average.replace('.', ","),
        rating.count
    );
    view! {
        <span class="rating" aria-label=label.clone() title=label>
            <span class="rating-stars" aria-hidden="true">{stars_text(value)}</span>
            " "<strong>{rating.average.replace('.', ",")}</strong>
            <span class="muted">{format!(" ({} đánh giá)", rating.count)}</span>
        </span>
    }
}

/// The product page's section: average, count and the latest reviews; with `tools`, the forms
/// the viewer may use under each review. `back` is the page's own path, where the forms return.
#[component]
pub fn ProductReviews(
    rating: Option<Rating>,
    reviews: Vec<Review>,
    #[prop(optional)] tools: ReviewTools,
    #[prop(optional)] back: String,
) -> impl IntoView {
    let flash = tools.flash.clone();
    let section_messages = flash.as_ref().map(|f| {
        view! {
            {f.form.notice.clone().map(|n| view! { <p class="flash" role="status">{n}</p> })}
            {f.form.error("_form").map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        }
    });
    view! {
        <section class="card reviews" id="danh-gia" aria-labelledby="reviews-title">
            <h2 id="reviews-title">"Đánh giá của người mua"</h2>
            {section_messages}
            {match rating {
                Some(r) => view! { <p><RatingBadge rating=r/></p> }.into_any(),
                None => view! { <p class="muted">"Chưa có đánh giá. Người đã nhận hàng có thể đánh giá từ trang đơn hàng."</p> }.into_any(),
            }}
            <ul class="review-list">
                {reviews.into_iter().map(|r| {
                    // The last post's typed text and reason, if it was about this review.
                    let form = flash
                        .as_ref()
                        .filter(|f| f.review_id == r.id)
                        .map(|f| f.form.clone())
                        .unwrap_or_default();
                    let reply_form = (tools.can_reply && r.reply.is_none())
                        .then(|| reply_form(&r.id, &back, &form));
                    let hide_form = tools.can_hide.then(|| hide_form(&r.id, &back, &form));
                    view! {
                        <li class="review" id=format!("danh-gia-{}", r.id)>
                            <p><span class="rating-stars" aria-label=format!("{} sao", r.rating)>{stars_text(f64::from(r.rating))}</span>
                                " "<strong>{r.author_name.clone()}</strong>
                                <span class="muted">{format!(" · {}", crate::format::date_vi(r.created_at.get(..10).unwrap_or_default()))}</span></p>
                            {r.text.clone().map(|t| view! { <p class="prose">{t}</p> })}
                            {r.reply.clone().map(|reply| view! {
                                <p class="review-reply"><strong>"Cơ sở trả lời: "</strong>{reply.text}</p>
                            })}
                            {reply_form}
                            {hide_form}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A text box for a review form, with the last post's text and reason if it was refused.
fn review_text(
    id: &str,
    label: &'static str,
    rows: &'static str,
    max: &'static str,
    form: &FormState,
) -> impl IntoView + use<> {
    let box_id = format!("{id}-text");
    let error = form.error("text");
    let invalid = error.is_some();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=box_id.clone()>{label}</label>
            <textarea id=box_id name="text" rows=rows maxlength=max required=true
                aria-invalid=invalid.then_some("true")>{form.value_or("text", "")}</textarea>
            {error.map(|e| view! { <p class="field-error">{e}</p> })}
        </div>
    }
}

/// The producer's one reply to a review.
fn reply_form(id: &str, back: &str, form: &FormState) -> impl IntoView + use<> {
    view! {
        <form method="post" action=format!("/danh-gia/{id}/tra-loi") class="stack-form review-reply-form">
            <input type="hidden" name="back" value=back.to_owned()/>
            {review_text(&format!("tra-loi-{id}"), "Trả lời đánh giá (chỉ trả lời được một lần)", "3", "2000", form)}
            <button type="submit" class="button primary">"Gửi câu trả lời"</button>
        </form>
    }
}

/// A curator hides an abusive review, saying why; folded away so it is not pressed by mistake.
fn hide_form(id: &str, back: &str, form: &FormState) -> impl IntoView + use<> {
    let open = form.error("text").is_some();
    view! {
        <details class="review-hide" open=open>
            <summary>"Ẩn đánh giá vi phạm"</summary>
            <form method="post" action=format!("/danh-gia/{id}/an") class="stack-form">
                <input type="hidden" name="back" value=back.to_owned()/>
                {review_text(&format!("an-{id}"), "Lý do ẩn (lưu vào nhật ký)", "2", "500", form)}
                <button type="submit" class="button danger">"Ẩn đánh giá"</button>
            </form>
        </details>
    }
}

/// The buyer's review forms on a delivered order: one per line, prefilled once written and
/// closed after 30 days.
#[component]
pub fn OrderReviews(
    slots: Vec<ReviewSlot>,
    code: String,
    token: Option<String>,
    /// The last refused review post: its messages go beside the product it was for.
    form: FormState,
) -> impl IntoView {
    (!slots.is_empty()).then(|| {
        let action = format!("/don-hang/{code}/danh-gia");
        view! {
            <section class="card reviews" id="danh-gia">
                <h2>"Đánh giá sản phẩm"</h2>
                {slots.into_iter().map(|slot| {
                    let current = slot.review.as_ref().map_or(0, |r| r.rating);
                    let text = slot.review.as_ref().and_then(|r| r.text.clone()).unwrap_or_default();
                    if !slot.editable {
                        return view! {
                            <p><strong>{slot.name.clone()}</strong>": "{stars_text(f64::from(current))}
                                " "<span class="muted">"(đã quá 30 ngày, không sửa được nữa)"</span></p>
                        }.into_any();
                    }
                    let refused = form.values.get("product_id") == Some(&slot.product_id);
                    let (rating_error, text_error) = if refused {
                        (form.error("rating"), form.error("text"))
                    } else {
                        (None, None)
                    };
                    view! {
                        <form method="post" action=action.clone() class="stack-form review-form">
                            <input type="hidden" name="product_id" value=slot.product_id.clone()/>
                            {token.clone().map(|t| view! { <input type="hidden" name="token" value=t/> })}
                            <fieldset class="star-choice">
                                <legend>{slot.name.clone()}</legend>
                                {(1..=5u8).rev().map(|n| view! {
                                    <label><input type="radio" name="rating" value=n.to_string()
                                        checked=current == n required=true/>{format!(" {n} ★")}</label>
                                }).collect_view()}
                                {rating_error.map(|e| view! { <p class="field-error">{e}</p> })}
                            </fieldset>
                            <label class="field"><span>"Nhận xét (không bắt buộc)"</span>
                                <textarea name="text" rows="3" maxlength="2000">{text}</textarea></label>
                            {text_error.map(|e| view! { <p class="field-error">{e}</p> })}
                            <button type="submit" class="button primary">
                                {if slot.review.is_some() { "Sửa đánh giá" } else { "Gửi đánh giá" }}
                            </button>
                        </form>
                    }.into_any()
                }).collect_view()}
            </section>
        }
    })
}
