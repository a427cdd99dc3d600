//! Buying rules: phone numbers, order codes, the order state machine, delivery fees and who may
//! move an order where. No I/O: the service layer (`crate::app::orders`) applies these.

use rust_decimal::Decimal;

/// A Vietnamese mobile number, stored as its ten digits (`0912345678`).
/// `+84 912 345 678`, `84912345678` and `0912.345.678` are the same number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("hãy nhập số điện thoại".into());
        }
        let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')');
        let rest = trimmed.strip_prefix('+').unwrap_or(trimmed);
        if !rest.chars().all(allowed) {
            return Err("số điện thoại chỉ gồm chữ số".into());
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        let national = match digits.strip_prefix("84") {
            Some(subscriber) if digits.len() == 11 => format!("0{subscriber}"),
            _ => digits,
        };
        let valid = national.len() == 10
            && national.starts_with('0')
            && matches!(national.as_bytes()[1], b'3' | b'5' | b'7' | b'8' | b'9');
        if valid {
            Ok(Phone(national))
        } else {
            Err("số di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `0912 345 678`: how people read it back.
    pub fn grouped(number: &str) -> String {
        if number.len() == 10 && number.is_ascii() {
            format!("{} {} {}", &number[..4], &number[4..7], &number[7..])
        } else {
            number.to_owned()
        }
    }
}

wire_enum! {
    /// Where an order is. Each producer works its own orders forward; cancelling returns the stock.
    pub enum OrderStatus {
        Pending,
        Confirmed,
        Shipping,
        Delivered,
        Cancelled,
    }
    else "phải là một trong: pending, confirmed, shipping, delivered, cancelled"
}

/// Who asks to move an order: a member of its producer, or its buyer (signed in or with the token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderActor {
    Seller,
    Buyer,
}

impl OrderStatus {
    /// Whether `actor` may move an order from `self` to `to`. Sellers confirm, ship and deliver
    /// in that order and may cancel until the parcel leaves; buyers may only cancel while the
    /// seller has not confirmed yet.
    pub fn can_move(self, to: OrderStatus, actor: OrderActor) -> bool {
        use OrderStatus::*;
        match actor {
            OrderActor::Seller => matches!(
                (self, to),
                (Pending, Confirmed)
                    | (Confirmed, Shipping)
                    | (Shipping, Delivered)
                    | (Pending, Cancelled)
                    | (Confirmed, Cancelled)
            ),
            OrderActor::Buyer => matches!((self, to), (Pending, Cancelled)),
        }
    }

    /// The steps a seller can take from here, in the order a seller reads them.
    pub fn next_for_seller(self) -> Vec<OrderStatus> {
        OrderStatus::ALL
            .iter()
            .copied()
            .filter(|to| self.can_move(*to, OrderActor::Seller))
            .collect()
    }
}

wire_enum! {
    pub enum DeliveryMethod {
        Pickup,
        Ship,
    }
    else "hãy chọn nhận tại nơi bán (pickup) hoặc giao hàng (ship)"
}

wire_enum! {
    pub enum PaymentMethod {
        Cod,
        BankTransfer,
    }
    else "hãy chọn thanh toán khi nhận hàng (cod) hoặc chuyển khoản (bank_transfer)"
}

/// What a producer accepts, as checked settings (the database keeps the same rules as checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesTerms {
    pub pickup_address: Option<String>,
    /// `Some(fee)` when the producer delivers.
    pub ship_fee: Option<Decimal>,
    pub free_from: Option<Decimal>,
    pub cod: bool,
    pub bank: Option<BankAccount>,
    pub min_order: Option<Decimal>,
}

/// Where a bank transfer goes: a NAPAS member bank (by BIN), the account number and its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub bank_bin: String,
    pub account_no: String,
    pub account_name: String,
}

impl BankAccount {
    /// Checks the number and holder; whether the BIN is a known bank is the database's list.
    pub fn parse(
        bank_bin: &str,
        account_no: &str,
        account_name: &str,
    ) -> Result<BankAccount, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let bin = bank_bin.trim();
        if !(bin.len() == 6 && bin.bytes().all(|b| b.is_ascii_digit())) {
            errors.push(("bank_bin", "hãy chọn ngân hàng".to_owned()));
        }
        let number: String = account_no
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
            .collect();
        if number.is_empty()
            || number.len() > 19
            || !number.chars().all(|c| c.is_ascii_alphanumeric())
        {
            errors.push((
                "account_no",
                "số tài khoản gồm tối đa 19 chữ số hoặc chữ cái".to_owned(),
            ));
        }
        let name = account_name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !(2..=100).contains(&name.chars().count()) {
            errors.push(("account_name", "hãy nhập tên chủ tài khoản".to_owned()));
        }
        if errors.is_empty() {
            Ok(BankAccount {
                bank_bin: bin.to_owned(),
                account_no: number.to_uppercase(),
                account_name: name,
            })
        } else {
            Err(errors)
        }
    }
}

impl SalesTerms {
    pub fn offers(&self, method: DeliveryMethod) -> bool {
        match method {
            DeliveryMethod::Pickup => self.pickup_address.is_some(),
            DeliveryMethod::Ship => self.ship_fee.is_some(),
        }
    }

    pub fn accepts(&self, payment: PaymentMethod) -> bool {
        match payment {
            PaymentMethod::Cod => self.cod,
            PaymentMethod::BankTransfer => self.bank.is_some(),
        }
    }

    /// The fee for this delivery of goods worth `subtotal`: pickup is free, shipping is the flat
    /// fee unless the subtotal reaches the "free from" amount.
    pub fn delivery_fee(&self, method: DeliveryMethod, subtotal: Decimal) -> Option<Decimal> {
        match method {
            DeliveryMethod::Pickup => self.pickup_address.as_ref().map(|_| Decimal::ZERO),
            DeliveryMethod::Ship => self.ship_fee.map(|fee| match self.free_from {
                Some(from) if subtotal >= from => Decimal::ZERO,
                _ => fee,
            }),
        }
    }
}

/// Letters that cannot be misread over the phone (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
const CODE_ALPHABET: &[u8] = b"34679ACDEFGHJKMNPQRTUVWXY";

/// A short human order code, `DH` and six characters: `DH7QK3M2`-like, typed as a transfer note.
pub fn order_code(random: u64) -> String {
    let mut n = random;
    let mut code = String::from("DH");
    for _ in 0..6 {
        code.push(CODE_ALPHABET[(n % CODE_ALPHABET.len() as u64) as usize] as char);
        n /= CODE_ALPHABET.len() as u64;
    }
    code
}

/// Whether `raw` could be an order code at all (cheap refusal before a lookup).
pub fn is_order_code(raw: &str) -> bool {
    raw.len() == 8
        && raw.starts_with("DH")
        && raw[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// The VietQR (NAPAS, EMVCo merchant-presented) payload for a transfer of `amount` đồng to
/// `account` with `purpose` as the transfer note.
pub fn vietqr_payload(account: &BankAccount, amount: Decimal, purpose: &str) -> String {
    fn field(id: &str, value: &str) -> String {
        format!("{id}{:02}{value}", value.chars().count())
    }
    let beneficiary = field("00", &account.bank_bin) + &field("01", &account.account_no);
    let merchant =
        field("00", "A000000727") + &field("01", &beneficiary) + &field("02", "QRIBFTTA");
    // Banking apps show the note as typed: ASCII only, at most 25 characters.
    let note: String = purpose
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .take(25)
        .collect();
    let mut payload = field("00", "01")
        + &field("01", "12")
        + &field("38", &merchant)
        + &field("53", "704")
        + &field("54", &amount.trunc().to_string())
        + &field("58", "VN")
        + &field("62", &field("08", &note))
        + "6304";
    payload.push_str(&format!("{:04X}", crc16_ccitt_false(payload.as_bytes())));
    payload
}

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as EMVCo QR codes end with.
pub fn crc16_ccitt_false(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in bytes {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_stored_as_ten_digits() {
        for raw in [
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "+84 912 345 678",
            "84912345678",
            "+84912345678",
        ] {
            assert_eq!(Phone::parse(raw).unwrap().as_str(), "0912345678", "{raw}");
        }
        for (raw, why) in [
            ("", "empty"),
            ("091234567", "nine digits"),
            ("0212345678", "a landline prefix"),
            ("09123456789", "eleven digits"),
            ("0912abc678", "letters"),
            ("1912345678", "no leading zero"),
        ] {
            assert!(Phone::parse(raw).is_err(), "{raw:?} should fail: {why}");
        }
        assert_eq!(Phone::grouped("0912345678"), "0912 345 678");
    }

    #[test]
    fn vietqr_matches_the_published_example() {
        let account = BankAccount {
            bank_bin: "970415".into(),
            account_no: "0011001932418".into(),
            account_name: "X".into(),
        };
        assert_eq!(
            vietqr_payload(&account, Decimal::from(120_000), "ung ho lu lut"),
            "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C"
        );
    }

    #[test]
    fn crc_check_value() {
        // The standard check value of CRC-16/CCITT-FALSE.
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    }

    #[test]
    fn sellers_and_buyers_move_orders_only_along_the_allowed_edges() {
        use OrderActor::*;
        use OrderStatus::*;
        let seller_moves = [
            (Pending, Confirmed),
            (Confirmed, Shipping),
            (Shipping, Delivered),
            (Pending, Cancelled),
            (Confirmed, Cancelled),
        ];
        for from in OrderStatus::ALL.iter().copied() {
            for to in OrderStatus::ALL.iter().copied() {
                assert_eq!(
                    from.can_move(to, Seller),
                    seller_moves.contains(&(from, to)),
                    "seller {from} → {to}"
                );
                assert_eq!(
                    from.can_move(to, Buyer),
                    (from, to) == (Pending, Cancelled),
                    "buyer {from} → {to}"
                );
            }
        }
    }

    #[test]
    fn shipping_is_free_from_the_threshold() {
        let terms = SalesTerms {
            pickup_address: Some("Xóm 1".into()),
            ship_fee: Some(Decimal::from(30_000)),
            free_from: Some(Decimal::from(500_000)),
            cod: true,
            bank: None,
            min_order: None,
        };
        let fee = |m, s: u32| terms.delivery_fee(m, Decimal::from(s)).unwrap();
        assert_eq!(fee(DeliveryMethod::Ship, 499_999), Decimal::from(30_000));
        assert_eq!(fee(DeliveryMethod::Ship, 500_000), Decimal::ZERO);
        assert_eq!(fee(DeliveryMethod::Pickup, 10), Decimal::ZERO);
        assert!(!terms.accepts(PaymentMethod::BankTransfer));
    }

    #[test]
    fn order_codes_are_short_and_unambiguous() {
        let code = order_code(u64::MAX);
        assert!(is_order_code(&code), "{code}");
        assert_eq!(code.len(), 8);
        assert!(!code[2..].contains(['0', 'O', '1', 'I']));
        assert!(!is_order_code("DH12"));
        assert!(!is_order_code("XX123456"));
    }
}
