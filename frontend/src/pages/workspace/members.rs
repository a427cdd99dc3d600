//! `/quan-ly/:slug/thanh-vien`: a producer's members and open invitations. Owners invite by
//! e-mail (the person joins only by accepting the mailed link) and remove members; a member may
//! leave. Plain forms, like the rest of the workspace.

use leptos::prelude::*;

use super::param;
use crate::api::{BackendError, Choice, get_members_page};
use crate::components::form::{FormMessages, SelectField, TextField, refusal};
use crate::components::seo::PageMeta;
use crate::format::date_vi;

fn role_label(role: &str) -> &'static str {
    if role == "owner" {
        "Chủ cơ sở"
    } else {
        "Thành viên"
    }
}

#[component]
pub fn MembersRoute() -> impl IntoView {
    let slug = param("slug");
    let data = Resource::new(slug, get_members_page);
    view! {
        <PageMeta title="Thành viên".to_owned() description="Thành viên của cơ sở".to_owned()/>
        <Suspense fallback=|| view! { <p class="muted">"Đang tải…"</p> }>
            {move || Suspend::new(async move {
                let page = match data.await {
                    Ok(Ok(page)) => page,
                    Ok(Err(error)) => return refusal(error),
                    Err(_) => return refusal(BackendError::Internal),
                };
                let base = format!("/quan-ly/{}/thanh-vien", page.slug);
                let owner = page.owner;
                let viewer = page.viewer_id.clone();
                let form = page.form.clone();
                view! {
                    <p><a href=format!("/quan-ly/{}", page.slug)>{format!("← {}", page.producer_name)}</a></p>
                    <h1>"Thành viên"</h1>
                    <FormMessages form=form.clone()/>
                    <ul class="desk-list">
                        {page.members.into_iter().map(|m| {
                            let own = m.user_id == viewer;
                            let action = format!("{base}/{}/xoa", m.user_id);
                            view! {
                                <li data-member=m.user_id.clone()>
                                    {m.display_name}" · "{m.email}" "
                                    <span class="badge">{role_label(&m.role)}</span>
                                    {(owner || own).then(|| view! {
                                        <form method="post" action=action class="inline-form">
                                            <button type="submit" class="button small danger">
                                                {if own { "Rời cơ sở" } else { "Xoá" }}
                                            </button>
                                        </form>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <h2>"Lời mời đang chờ"</h2>
                    {if page.invitations.is_empty() {
                        view! { <p class="muted">"Không có lời mời nào đang chờ."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="desk-list">
                                {page.invitations.into_iter().map(|i| view! {
                                    <li>{i.email}" "<span class="badge">{role_label(&i.role)}</span>
                                        <span class="muted">{format!(" · hết hạn {}", date_vi(&i.expires_on))}</span></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {owner.then(|| view! {
                        <form class="stack-form" method="post" action=base.clone()>
                            <h2>"Mời thành viên"</h2>
                            <p class="muted">"Chúng tôi gửi thư mời đến địa chỉ này. Người được mời chỉ trở thành thành viên khi nhận lời mời, bằng tài khoản của đúng email đó (chưa có thì đăng ký)."</p>
                            <TextField name="email" label="Email" kind="email" required=true
                                value=form.value_or("email", "") error=form.error("email")/>
                            <SelectField name="role" label="Vai trò" value=form.value_or("role", "member")
                                error=form.error("role")
                                choices=vec![
                                    Choice { value: "member".into(), label: "Thành viên".into() },
                                    Choice { value: "owner".into(), label: "Đồng chủ cơ sở".into() },
                                ]/>
                            <button type="submit" class="button primary">"Gửi lời mời"</button>
                        </form>
                    })}
                }.into_any()
            })}
        </Suspense>
    }
}
