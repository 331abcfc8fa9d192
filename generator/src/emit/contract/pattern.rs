//! A string matching a schema's `pattern`, for the common shapes documents use (`^[0-9]{10}$`,
//! `^[A-Z]{2}-\d+$`, `^(sk|pk)_[a-z0-9]{8,}$`): literals, escapes, classes, groups with
//! alternatives (the first is taken) and quantifiers (their minimum, at least one). Anything
//! else (look-arounds, back-references) gives `None`.

/// A string the pattern matches, when the pattern is simple enough to read.
pub fn sample(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pos = 0;
    let out = sequence(&chars, &mut pos, 0)?;
    (pos == chars.len()).then_some(out)
}

/// Alternatives up to `)` or the end: the first one's sample.
fn sequence(c: &[char], pos: &mut usize, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    let mut first: Option<String> = None;
    let mut out = String::new();
    while *pos < c.len() {
        let atom = match c[*pos] {
            ')' => break,
            '|' => {
                *pos += 1;
                first.get_or_insert(std::mem::take(&mut out));
                continue;
            }
            '^' | '$' => {
                *pos += 1;
                continue;
            }
            '(' => {
                *pos += 1;
                if c.get(*pos) == Some(&'?') {
                    // Only non-capturing groups: `(?:`.
                    if c.get(*pos + 1) != Some(&':') {
                        return None;
                    }
                    *pos += 2;
                }
                let inner = sequence(c, pos, depth + 1)?;
                if c.get(*pos) != Some(&')') {
                    return None;
                }
                *pos += 1;
                inner
            }
            '[' => class(c, pos)?.to_string(),
            '\\' => {
                *pos += 1;
                let e = *c.get(*pos)?;
                *pos += 1;
                escape(e)?.map(String::from).unwrap_or_default()
            }
            '.' => {
                *pos += 1;
                "a".to_string()
            }
            '*' | '+' | '?' | '{' => return None,
            ch => {
                *pos += 1;
                ch.to_string()
            }
        };
        let times = quantifier(c, pos)?;
        out.push_str(&atom.repeat(times));
    }
    Some(first.unwrap_or(out))
}

/// What an escape matches: a character (one of its class for `\d`, `\w`, `\s`), nothing for
/// an anchor (`Some(None)`), or `None` when unsupported (back-references, `\p{..}`).
fn escape(e: char) -> Option<Option<char>> {
    match e {
        'd' => Some(Some('1')),
        'w' => Some(Some('a')),
        's' => Some(Some(' ')),
        'D' | 'W' | 'S' => Some(Some('-')),
        'b' | 'B' | 'A' | 'z' | 'Z' => Some(None),
        'n' => Some(Some('\n')),
        't' => Some(Some('\t')),
        c if c.is_ascii_alphanumeric() => None,
        c => Some(Some(c)),
    }
}

/// A character of a `[...]` class: the first member (a negated class gives a letter it does not
/// list, when there is one).
fn class(c: &[char], pos: &mut usize) -> Option<char> {
    *pos += 1;
    let negated = c.get(*pos) == Some(&'^');
    if negated {
        *pos += 1;
    }
    let mut members = Vec::new();
    let mut first = true;
    while *pos < c.len() && (c[*pos] != ']' || first) {
        first = false;
        let ch = if c[*pos] == '\\' {
            *pos += 1;
            escape(*c.get(*pos)?)??
        } else {
            c[*pos]
        };
        *pos += 1;
        if c.get(*pos) == Some(&'-') && c.get(*pos + 1).is_some_and(|n| *n != ']') {
            let end = c[*pos + 1];
            *pos += 2;
            members.push((ch, end));
        } else {
            members.push((ch, ch));
        }
    }
    if c.get(*pos) != Some(&']') {
        return None;
    }
    *pos += 1;
    if negated {
        return "axZ09_-".chars().find(|ch| !members.iter().any(|(a, b)| (*a..=*b).contains(ch)));
    }
    members.first().map(|(a, _)| *a)
}

/// How many times to repeat the atom before `pos`: the quantifier's minimum, at least one.
fn quantifier(c: &[char], pos: &mut usize) -> Option<usize> {
    let n = match c.get(*pos) {
        Some('*' | '+' | '?') => {
            *pos += 1;
            1
        }
        Some('{') => {
            let close = c[*pos..].iter().position(|ch| *ch == '}')? + *pos;
            let inner: String = c[*pos + 1..close].iter().collect();
            *pos = close + 1;
            let min: usize = inner.split(',').next()?.trim().parse().ok()?;
            min.max(1)
        }
        _ => return Some(1),
    };
    // Lazy or possessive markers change nothing here.
    if matches!(c.get(*pos), Some('?' | '+')) {
        *pos += 1;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::sample;

    #[test]
    fn common_patterns() {
        assert_eq!(sample("^[0-9]{10}$").as_deref(), Some("0000000000"));
        assert_eq!(sample(r"^[A-Z]{2}-\d+$").as_deref(), Some("AA-1"));
        assert_eq!(sample("^(sk|pk)_[a-z0-9]{8,}$").as_deref(), Some("sk_aaaaaaaa"));
        assert_eq!(sample(r"^\+?[1-9]\d{1,14}$").as_deref(), Some("+11"));
        assert_eq!(sample("^[^@]+@[^@]+$").as_deref(), Some("a@a"));
        assert_eq!(sample(r"^(?=a)").as_deref(), None);
        assert_eq!(sample(r"(a)\1").as_deref(), None);
    }
}
