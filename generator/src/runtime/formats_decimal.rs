
/// `format: decimal` carried as a JSON string, as `rust_decimal::Decimal`: lossless both ways
/// (written as the string, read from a string or, generously, a number).
pub(crate) struct DecimalText;

impl Codec<rust_decimal::Decimal> for DecimalText {
    fn encode<S: Serializer>(value: &rust_decimal::Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<rust_decimal::Decimal, D::Error> {
        <rust_decimal::Decimal as Deserialize>::deserialize(deserializer)
    }
}

/// `format: decimal` on a JSON number, as `rust_decimal::Decimal`: written as a JSON number.
/// serde_json reads and writes numbers through `f64`, so a number is exact up to 15 significant
/// digits; a string is also read, exactly.
pub(crate) struct DecimalNumber;

impl Codec<rust_decimal::Decimal> for DecimalNumber {
    fn encode<S: Serializer>(value: &rust_decimal::Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        use rust_decimal::prelude::ToPrimitive as _;
        match (value.fract().is_zero(), value.to_i64(), value.to_f64()) {
            (true, Some(i), _) => serializer.serialize_i64(i),
            (_, _, Some(f)) => serializer.serialize_f64(f),
            _ => serializer.collect_str(value),
        }
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<rust_decimal::Decimal, D::Error> {
        <rust_decimal::Decimal as Deserialize>::deserialize(deserializer)
    }
}

#[cfg(test)]
mod decimal_tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Money {
        #[serde(with = "As::<DecimalText>")]
        exact: rust_decimal::Decimal,
        #[serde(with = "As::<DecimalNumber>")]
        number: rust_decimal::Decimal,
    }

    #[test]
    fn decimals_keep_their_digits_as_text_and_are_numbers_otherwise() {
        let v: Money = serde_json::from_str(r#"{"exact":"12345678901234567890.10","number":2.5}"#).unwrap();
        assert_eq!(v.exact.to_string(), "12345678901234567890.10");
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"exact":"12345678901234567890.10","number":2.5}"#);
        let v: Money = serde_json::from_str(r#"{"exact":1.5,"number":"7"}"#).unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"exact":"1.5","number":7}"#);
        assert!(serde_json::from_str::<Money>(r#"{"exact":"1.2.3","number":1}"#).is_err());
    }
}
