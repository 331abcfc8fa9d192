
/// `format: byte` as `Vec<u8>`: written as standard base64 with padding; read from either
/// alphabet (standard or URL-safe), padded or not, with line breaks (MIME) ignored.
pub(crate) struct B64;

impl Codec<Vec<u8>> for B64 {
    fn encode<S: Serializer>(value: &Vec<u8>, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(value))
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        decode_base64(&text).ok_or_else(|| serde::de::Error::custom("the text is not base64"))
    }
}

/// Decodes base64 leniently (see [`B64`]).
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let config = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent).with_decode_allow_trailing_bits(true);
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    GeneralPurpose::new(&base64::alphabet::STANDARD, config)
        .decode(&compact)
        .or_else(|_| GeneralPurpose::new(&base64::alphabet::URL_SAFE, config).decode(&compact))
        .ok()
}

#[cfg(test)]
mod base64_tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Blob {
        #[serde(with = "As::<B64>")]
        data: Vec<u8>,
        #[serde(default, with = "As::<Seq<B64>>")]
        parts: Vec<Vec<u8>>,
    }

    #[test]
    fn base64_is_read_from_any_alphabet_and_written_standard() {
        let bytes = vec![0xfb, 0xff, 0x00, 0x41];
        for text in ["+/8AQQ==", "+/8AQQ", "-_8AQQ==", "-_8AQQ", "+/8A\r\nQQ=="] {
            assert_eq!(decode_base64(text), Some(bytes.clone()), "{text}");
        }
        assert_eq!(decode_base64("not base64!"), None);
        let v: Blob = serde_json::from_str(r#"{"data":"-_8AQQ","parts":["aGk=",""]}"#).unwrap();
        assert_eq!(v.data, bytes);
        assert_eq!(v.parts, vec![b"hi".to_vec(), Vec::new()]);
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"data":"+/8AQQ==","parts":["aGk=",""]}"#);
        assert!(serde_json::from_str::<Blob>(r#"{"data":[1,2]}"#).is_err());
    }
}
