//! Reviews on pages: the stars and count beside a product, its latest reviews with the
//! producer's replies, and the buyer's review forms on a delivered order (plain form posts).

use leptos::prelude::*;

use crate::api::{Rating, Review, ReviewSlot};

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

/// The product page's section: average, count and the latest reviews.
#[component]
pub fn ProductReviews(rating: Option<Rating>, reviews: Vec<Review>) -> impl IntoView {
    view! {
        <section class="card reviews" id="danh-gia" aria-labelledby="reviews-title">
            <h2 id="reviews-title">"Đánh giá của người mua"</h2>
            {match rating {
                Some(r) => view! { <p><RatingBadge rating=r/></p> }.into_any(),
                None => view! { <p class="muted">"Chưa có đánh giá. Người đã nhận hàng có thể đánh giá từ trang đơn hàng."</p> }.into_any(),
            }}
            <ul class="review-list">
                {reviews.into_iter().map(|r| view! {
                    <li class="review">
                        <p><span class="rating-stars" aria-label=format!("{} sao", r.rating)>{stars_text(f64::from(r.rating))}</span>
                            " "<strong>{r.author_name.clone()}</strong>
                            <span class="muted">{format!(" · {}", crate::format::date_vi(r.created_at.get(..10).unwrap_or_default()))}</span></p>
                        {r.text.clone().map(|t| view! { <p class="prose">{t}</p> })}
                        {r.reply.clone().map(|reply| view! {
                            <p class="review-reply"><strong>"Cơ sở trả lời: "</strong>{reply.text}</p>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The buyer's review forms on a delivered order: one per line, prefilled once written and
/// closed after 30 days.
#[component]
pub fn OrderReviews(slots: Vec<ReviewSlot>, code: String, token: Option<String>) -> impl IntoView {
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
                            </fieldset>
                            <label class="field"><span>"Nhận xét (không bắt buộc)"</span>
                                <textarea name="text" rows="3" maxlength="2000">{text}</textarea></label>
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
