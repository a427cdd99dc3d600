//! The messages in Vietnamese, each as plain text and simple HTML: an order received (to its
//! buyer), a new order (to the producer's members), each status change and the payment (to the
//! buyer), the daily OCOP certificate reminders (to the producer's members), and invitations to
//! join a producer. Pure functions of what happened; the links are absolute, built from the
//! site's public URL.

use frontend::api::{CertificateReminder, Order};
use frontend::format::{date_vi, quantity_vi, vnd};
use frontend::pages::buying::{delivery_label, payment_label, phone_grouped, status_label};

/// A rendered message without its envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Builds the text and HTML bodies side by side, so the two always say the same.
struct Body {
    text: String,
    html: String,
}

impl Body {
    fn new(greeting: &str) -> Body {
        Body {
            text: format!("{greeting}\n\n"),
            html: format!(
                "<!doctype html><html lang=\"vi\"><body style=\"font-family:Arial,sans-serif;\
                 color:#1d2b1f;max-width:600px\"><p>{}</p>",
                escape(greeting)
            ),
        }
    }

    fn para(&mut self, line: &str) -> &mut Self {
        self.text.push_str(line);
        self.text.push_str("\n\n");
        self.html.push_str(&format!("<p>{}</p>", escape(line)));
        self
    }

    fn link(&mut self, label: &str, url: &str) -> &mut Self {
        self.text.push_str(&format!("{label}: {url}\n\n"));
        self.html.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 16px;background:#2e7d32;\
             color:#fff;text-decoration:none;border-radius:6px\">{}</a></p>",
            escape(url),
            escape(label)
        ));
        self
    }

    /// Label–value rows (a definition table in HTML).
    fn facts(&mut self, rows: &[(&str, String)]) -> &mut Self {
        self.html
            .push_str("<table style=\"border-collapse:collapse;margin:8px 0\">");
        for (label, value) in rows {
            self.text.push_str(&format!("{label}: {value}\n"));
            self.html.push_str(&format!(
                "<tr><td style=\"padding:2px 12px 2px 0;color:#5b6b5d\">{}</td><td>{}</td></tr>",
                escape(label),
                escape(value)
            ));
        }
        self.text.push('\n');
        self.html.push_str("</table>");
        self
    }

    fn finish(mut self, unsubscribe: Option<&str>) -> (String, String) {
        let sign = "Chợ OCOP Thái Nguyên";
        self.text.push_str(&format!("--\n{sign}\n"));
        self.html.push_str(&format!(
            "<hr><p style=\"color:#5b6b5d;font-size:13px\">{}",
            escape(sign)
        ));
        if let Some(url) = unsubscribe {
            self.text
                .push_str(&format!("Không muốn nhận những thư như thế này: {url}\n"));
            self.html.push_str(&format!(
                "<br><a href=\"{}\">Không nhận những thư như thế này nữa</a>",
                escape(url)
            ));
        }
        self.html.push_str("</p></body></html>");
        (self.text, self.html)
    }
}

/// The order's lines and totals, in both forms.
fn order_lines(body: &mut Body, order: &Order) {
    body.html.push_str(
        "<table style=\"border-collapse:collapse;width:100%;margin:8px 0\">\
         <tr><th align=\"left\">Sản phẩm</th><th align=\"right\">SL</th><th align=\"right\">Thành tiền</th></tr>",
    );
    for item in &order.items {
        let quantity = format!("{} {}", quantity_vi(&item.quantity), item.unit_name);
        body.text.push_str(&format!(
            "- {} × {} ({} / {}) = {}\n",
            item.name,
            quantity,
            vnd(&item.unit_price_vnd),
            item.unit_name,
            vnd(&item.line_total_vnd)
        ));
        body.html.push_str(&format!(
            "<tr><td style=\"border-top:1px solid #ddd;padding:4px 0\">{}</td>\
             <td align=\"right\" style=\"border-top:1px solid #ddd\">{}</td>\
             <td align=\"right\" style=\"border-top:1px solid #ddd\">{}</td></tr>",
            escape(&item.name),
            escape(&quantity),
            escape(&vnd(&item.line_total_vnd))
        ));
    }
    let fee = vnd(&order.delivery_fee_vnd);
    let total = vnd(&order.total_vnd);
    body.text.push_str(&format!(
        "Tiền hàng: {}\nPhí giao hàng: {fee}\nTổng cộng: {total}\n\n",
        vnd(&order.subtotal_vnd)
    ));
    body.html.push_str(&format!(
        "<tr><td colspan=\"2\">Tiền hàng</td><td align=\"right\">{}</td></tr>\
         <tr><td colspan=\"2\">Phí giao hàng</td><td align=\"right\">{}</td></tr>\
         <tr><td colspan=\"2\"><strong>Tổng cộng</strong></td><td align=\"right\"><strong>{}</strong></td></tr></table>",
        escape(&vnd(&order.subtotal_vnd)),
        escape(&fee),
        escape(&total)
    ));
}

/// How the goods travel and how to pay, with the transfer details as text (a mail client
/// shows no QR code we could trust, and the buyer types these into the banking app anyway).
fn delivery_and_payment(body: &mut Body, order: &Order) {
    let d = &order.delivery;
    let place = match d.method.as_str() {
        "ship" => [d.address.as_deref(), d.commune_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        _ => d.pickup_address.clone().unwrap_or_default(),
    };
    let mut rows = vec![
        (
            "Người nhận",
            format!("{} · {}", d.name, phone_grouped(&d.phone)),
        ),
        ("Cách nhận hàng", delivery_label(&d.method).to_owned()),
    ];
    if !place.is_empty() {
        rows.push(("Địa chỉ", place));
    }
    rows.push((
        "Thanh toán",
        payment_label(&order.payment.method).to_owned(),
    ));
    body.facts(&rows);
    if let Some(qr) = order
        .payment
        .vietqr
        .as_ref()
        .filter(|_| order.payment.status != "paid")
    {
        body.para("Chuyển khoản theo thông tin sau (ghi đúng nội dung để người bán nhận ra đơn):");
        body.facts(&[
            (
                "Ngân hàng",
                format!("{} (BIN {})", qr.bank_name, qr.bank_bin),
            ),
            ("Số tài khoản", qr.account_no.clone()),
            ("Chủ tài khoản", qr.account_name.clone()),
            ("Số tiền", vnd(&qr.amount_vnd)),
            ("Nội dung", qr.purpose.clone()),
        ]);
    }
}

/// To the buyer: the order was received.
pub fn order_placed(order: &Order, link: &str, unsubscribe: Option<&str>) -> Rendered {
    let mut body = Body::new(&format!("Chào {},", order.delivery.name));
    body.para(&format!(
        "{} đã nhận đơn hàng {} của bạn và sẽ xác nhận sớm.",
        order.producer.name, order.code
    ));
    order_lines(&mut body, order);
    delivery_and_payment(&mut body, order);
    if let Some(phone) = &order.producer_phone {
        body.para(&format!("Cần hỏi thêm, hãy gọi người bán: {phone}"));
    }
    body.link("Xem đơn hàng", link);
    let (text, html) = body.finish(unsubscribe);
    Rendered {
        subject: format!("Đơn hàng {} đã được ghi nhận", order.code),
        text,
        html,
    }
}

/// To a member of the producer: a new order to confirm.
pub fn order_new(order: &Order, link: &str, unsubscribe: Option<&str>) -> Rendered {
    let mut body = Body::new(&format!("{} có đơn hàng mới,", order.producer.name));
    body.para(&format!(
        "Đơn {} vừa được đặt. Hãy xác nhận với người mua.",
        order.code
    ));
    order_lines(&mut body, order);
    delivery_and_payment(&mut body, order);
    if let Some(note) = &order.delivery.note {
        body.para(&format!("Ghi chú của người mua: {note}"));
    }
    body.link("Mở đơn hàng", link);
    let (text, html) = body.finish(unsubscribe);
    Rendered {
        subject: format!("Đơn hàng mới {} — {}", order.code, vnd(&order.total_vnd)),
        text,
        html,
    }
}

/// To the buyer: the order moved to its current status.
pub fn order_status(order: &Order, link: &str, unsubscribe: Option<&str>) -> Rendered {
    let status = status_label(&order.status);
    let mut body = Body::new(&format!("Chào {},", order.delivery.name));
    let what = match order.status.as_str() {
        "confirmed" => format!(
            "{} đã xác nhận đơn hàng {}.",
            order.producer.name, order.code
        ),
        "shipping" => format!("Đơn hàng {} đang được giao đến bạn.", order.code),
        "delivered" => format!(
            "Đơn hàng {} đã giao xong. Cảm ơn bạn! Bạn có thể đánh giá sản phẩm trên trang đơn hàng.",
            order.code
        ),
        "cancelled" => format!("Đơn hàng {} đã bị huỷ.", order.code),
        _ => format!("Đơn hàng {}: {status}.", order.code),
    };
    body.para(&what);
    if let Some(reason) = order.history.last().and_then(|e| e.reason.as_deref()) {
        body.para(&format!("Lý do: {reason}"));
    }
    if let Some(tracking) = order
        .tracking
        .as_deref()
        .filter(|_| order.status == "shipping")
    {
        body.para(&format!("Thông tin vận chuyển: {tracking}"));
    }
    order_lines(&mut body, order);
    if order.status != "cancelled" && order.status != "delivered" {
        delivery_and_payment(&mut body, order);
    }
    body.link("Xem đơn hàng", link);
    let (text, html) = body.finish(unsubscribe);
    Rendered {
        subject: format!("Đơn hàng {}: {status}", order.code),
        text,
        html,
    }
}

/// To the buyer: the producer recorded the payment.
pub fn order_paid(order: &Order, link: &str, unsubscribe: Option<&str>) -> Rendered {
    let mut body = Body::new(&format!("Chào {},", order.delivery.name));
    body.para(&format!(
        "{} đã nhận {} cho đơn hàng {}. Cảm ơn bạn!",
        order.producer.name,
        vnd(&order.total_vnd),
        order.code
    ));
    order_lines(&mut body, order);
    body.link("Xem đơn hàng", link);
    let (text, html) = body.finish(unsubscribe);
    Rendered {
        subject: format!("Đơn hàng {}: đã nhận thanh toán", order.code),
        text,
        html,
    }
}

/// To a member of the producer: certificates that expire soon (180, 90 and 30 days before).
pub fn certificate_digest(
    producer_name: &str,
    reminders: &[CertificateReminder],
    link: &str,
    unsubscribe: Option<&str>,
) -> Rendered {
    let mut body = Body::new(&format!("{producer_name},"));
    body.para(
        "Các giấy chứng nhận OCOP sau sắp hết hiệu lực. Hãy nộp hồ sơ đánh giá lại kịp thời:",
    );
    let rows: Vec<(&str, String)> = reminders
        .iter()
        .map(|r| {
            (
                r.product_name.as_str(),
                format!(
                    "{}★, quyết định {}, hết hạn {} (còn {} ngày) — {}",
                    r.stars,
                    r.decision_no,
                    date_vi(&r.expires_on),
                    r.days_left,
                    r.verify_url
                ),
            )
        })
        .collect();
    body.facts(&rows);
    body.link("Mở trang quản lý", link);
    let (text, html) = body.finish(unsubscribe);
    Rendered {
        subject: format!(
            "Nhắc hạn chứng nhận OCOP: {} sản phẩm sắp hết hạn",
            reminders.len()
        ),
        text,
        html,
    }
}

/// To an e-mail address an owner invited: which producer, who invited, and the link that
/// joins it once signed in with this address.
pub fn invitation(
    producer_name: &str,
    inviter: &str,
    owner: bool,
    link: &str,
    expires_on: &str,
) -> Rendered {
    let mut body = Body::new("Xin chào,");
    let role = if owner {
        "đồng chủ cơ sở"
    } else {
        "thành viên"
    };
    body.para(&format!(
        "{inviter} mời bạn tham gia {producer_name} trên Chợ OCOP với vai trò {role}."
    ));
    body.para(&format!(
        "Hãy mở liên kết dưới đây và đăng nhập (hoặc đăng ký) bằng chính địa chỉ email này để nhận lời mời. Lời mời có hiệu lực đến hết ngày {}.",
        date_vi(expires_on)
    ));
    body.link("Xem lời mời", link);
    body.para("Nếu bạn không biết người mời, hãy bỏ qua thư này: không ai được thêm vào cơ sở nếu bạn không đồng ý.");
    let (text, html) = body.finish(None);
    Rendered {
        subject: format!("Lời mời tham gia {producer_name} trên Chợ OCOP"),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape(r#"<b>"Chè" & 'mật'</b>"#),
            "&lt;b&gt;&quot;Chè&quot; &amp; &#39;mật&#39;&lt;/b&gt;"
        );
    }
}
