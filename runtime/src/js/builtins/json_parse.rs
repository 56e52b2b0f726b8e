//! The parser of `JSON.parse`, over the text's UTF-16 code units (so `"\ud800"` keeps its
//! lone surrogate and error positions are JS indices), with V8's error messages.
//!
//! The parser keeps its open arrays and objects on a heap stack rather than recursing, so
//! deeply nested text cannot exhaust the native stack.

use crate::js::string::JsStr;
use crate::js::value::{attrs, Obj, Prop, Value};

/// `CreateDataProperty` on an object the reviver walk holds.
pub fn create_data_property(o: &Obj, key: JsStr, value: Value) {
    if let Some(i) = key.array_index() {
        if o.is_array() {
            o.set_element(i as usize, value);
            return;
        }
    }
    let mut data = o.borrow_mut();
    if !data.extensible && !data.props.contains_key(key.as_bytes()) {
        return;
    }
    data.props.insert(
        key,
        Prop {
            value,
            attrs: attrs::DEFAULT,
        },
    );
}

/// An array or object being parsed.
enum Open {
    Array(Vec<Value>),
    /// The object and the key its next value goes under.
    Object(Obj, JsStr),
}

/// Parses JSON text (UTF-16 code units); the error is the `SyntaxError`'s message.
pub fn parse_text(units: &[u16]) -> Result<Value, JsStr> {
    Parser { src: units, pos: 0 }.parse()
}

struct Parser<'a> {
    src: &'a [u16],
    pos: usize,
}

/// A parse failure: the message of the `SyntaxError`.
type Fail = JsStr;

fn at(message: &str, pos: usize) -> Fail {
    JsStr::from(format!("{message} in JSON at position {pos}"))
}

impl Parser<'_> {
    fn peek(&self) -> Option<u16> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(0x20 | 0x09 | 0x0A | 0x0D)) {
            self.pos += 1;
        }
    }

    fn parse(mut self) -> Result<Value, Fail> {
        let mut stack: Vec<Open> = Vec::new();
        loop {
            self.skip_ws();
            if let Some(v) = self.begin(&mut stack)? {
                if let Some(done) = self.attach(&mut stack, v)? {
                    return Ok(done);
                }
            }
        }
    }

    /// Starts a value: a scalar or an empty array or object is returned; otherwise the
    /// container is opened (with the key of an object's first property read) and its first
    /// value comes next.
    fn begin(&mut self, stack: &mut Vec<Open>) -> Result<Option<Value>, Fail> {
        let (open, close) = match self.peek() {
            Some(0x5B) => (0x5B, 0x5D),
            Some(0x7B) => (0x7B, 0x7D),
            _ => return self.scalar().map(Some),
        };
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(Some(Value::Object(if open == 0x5B {
                Obj::array(Vec::new())
            } else {
                Obj::plain()
            })));
        }
        if open == 0x5B {
            stack.push(Open::Array(Vec::new()));
            return Ok(None);
        }
        if self.peek() != Some(0x22) {
            return Err(at("Expected property name or '}'", self.pos));
        }
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(0x3A) {
            return Err(at("Expected ':' after property name", self.pos));
        }
        self.pos += 1;
        stack.push(Open::Object(Obj::plain(), key));
        Ok(None)
    }

    /// Puts a value into its container, closing the containers it completes: the whole
    /// value once the outermost one closes, `None` when another value is expected.
    fn attach(&mut self, stack: &mut Vec<Open>, mut v: Value) -> Result<Option<Value>, Fail> {
        loop {
            self.skip_ws();
            let Some(top) = stack.last_mut() else {
                if self.pos < self.src.len() {
                    return Err(JsStr::from(format!(
                        "Unexpected non-whitespace character after JSON at position {}",
                        self.pos
                    )));
                }
                return Ok(Some(v));
            };
            match top {
                Open::Array(items) => {
                    items.push(v);
                    match self.peek() {
                        Some(0x2C) => {
                            self.pos += 1;
                            return Ok(None);
                        }
                        Some(0x5D) => self.pos += 1,
                        _ => return Err(at("Expected ',' or ']' after array element", self.pos)),
                    }
                }
                Open::Object(o, key) => {
                    create_data_property(o, std::mem::take(key), v);
                    match self.peek() {
                        Some(0x2C) => {
                            self.pos += 1;
                            self.skip_ws();
                            *key = self.next_key()?;
                            return Ok(None);
                        }
                        Some(0x7D) => self.pos += 1,
                        _ => return Err(at("Expected ',' or '}' after property value", self.pos)),
                    }
                }
            }
            v = match stack.pop() {
                Some(Open::Array(items)) => Value::Object(Obj::array(items)),
                Some(Open::Object(o, _)) => Value::Object(o),
                None => Value::Undefined,
            };
        }
    }

    /// A property name after a comma, and its colon.
    fn next_key(&mut self) -> Result<JsStr, Fail> {
        if self.peek() != Some(0x22) {
            return Err(at("Expected double-quoted property name", self.pos));
        }
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(0x3A) {
            return Err(self.unexpected());
        }
        self.pos += 1;
        Ok(key)
    }

    /// A string, number or literal.
    fn scalar(&mut self) -> Result<Value, Fail> {
        match self.peek() {
            Some(0x22) => self.string().map(Value::String),
            Some(0x2D | 0x30..=0x39) => self.number().map(Value::Number),
            Some(0x74) => self.literal("true", Value::Bool(true)),
            Some(0x66) => self.literal("false", Value::Bool(false)),
            Some(0x6E) => self.literal("null", Value::Null),
            _ => Err(self.unexpected()),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, Fail> {
        for b in word.bytes() {
            if self.peek() != Some(b as u16) {
                return Err(self.unexpected());
            }
            self.pos += 1;
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(0x30..=0x39)) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<f64, Fail> {
        let start = self.pos;
        if self.peek() == Some(0x2D) {
            self.pos += 1;
            if !matches!(self.peek(), Some(0x30..=0x39)) {
                return Err(at("No number after minus sign", self.pos));
            }
        }
        if self.peek() == Some(0x30) {
            self.pos += 1;
            if matches!(self.peek(), Some(0x30..=0x39)) {
                return Err(at("Unexpected number", self.pos));
            }
        } else {
            self.digits();
        }
        if self.peek() == Some(0x2E) {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(at("Unterminated fractional number", self.pos));
            }
        }
        if matches!(self.peek(), Some(0x65 | 0x45)) {
            self.pos += 1;
            if matches!(self.peek(), Some(0x2B | 0x2D)) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(at("Exponent part is missing a number", self.pos));
            }
        }
        let text: String = self.src[start..self.pos]
            .iter()
            .map(|&u| u as u8 as char)
            .collect();
        Ok(text.parse::<f64>().unwrap_or(f64::NAN))
    }

    fn string(&mut self) -> Result<JsStr, Fail> {
        self.pos += 1;
        let mut out: Vec<u16> = Vec::new();
        loop {
            let Some(u) = self.peek() else {
                return Err(at("Unterminated string", self.pos));
            };
            match u {
                0x22 => {
                    self.pos += 1;
                    return Ok(JsStr::from_utf16(&out));
                }
                0x5C => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                0..=0x1F => return Err(at("Bad control character in string literal", self.pos)),
                u => {
                    out.push(u);
                    self.pos += 1;
                }
            }
        }
    }

    /// The code unit of the escape after a backslash.
    fn escape(&mut self) -> Result<u16, Fail> {
        let Some(c) = self.peek() else {
            return Err(JsStr::from("Unexpected end of JSON input"));
        };
        self.pos += 1;
        Ok(match c {
            0x22 | 0x5C | 0x2F => c,
            0x62 => 0x08,
            0x66 => 0x0C,
            0x6E => 0x0A,
            0x72 => 0x0D,
            0x74 => 0x09,
            0x75 => {
                let mut n: u16 = 0;
                for _ in 0..4 {
                    let digit = self
                        .peek()
                        .and_then(|d| char::from_u32(d as u32))
                        .and_then(|d| d.to_digit(16));
                    let Some(d) = digit else {
                        return Err(at("Bad Unicode escape", self.pos));
                    };
                    n = n * 16 + d as u16;
                    self.pos += 1;
                }
                n
            }
            _ => return Err(at("Bad escaped character", self.pos - 1)),
        })
    }

    /// V8's message for a token that cannot start or continue what was expected here.
    fn unexpected(&self) -> Fail {
        let Some(u) = self.peek() else {
            return JsStr::from("Unexpected end of JSON input");
        };
        let src = JsStr::from_utf16(self.src);
        if matches!(
            src.as_str(),
            Some("NaN" | "Infinity" | "undefined" | "[object Object]")
        ) {
            return JsStr::from(format!("\"{src}\" is not valid JSON"));
        }
        match u {
            0x2D | 0x30..=0x39 => return at("Unexpected number", self.pos),
            0x22 => return at("Unexpected string", self.pos),
            _ => {}
        }
        const CONTEXT: usize = 10;
        let (len, pos) = (self.src.len(), self.pos);
        let mut out: Vec<u16> = "Unexpected token '".encode_utf16().collect();
        out.push(u);
        out.extend("', ".encode_utf16());
        let (start, end) = if len <= 2 * CONTEXT {
            (0, len)
        } else if pos < CONTEXT {
            (0, pos + CONTEXT)
        } else {
            (pos - CONTEXT, (pos + CONTEXT).min(len))
        };
        if start > 0 {
            out.extend("...".encode_utf16());
        }
        out.push(0x22);
        out.extend_from_slice(&self.src[start..end]);
        out.push(0x22);
        if end < len {
            out.extend("...".encode_utf16());
        }
        out.extend(" is not valid JSON".encode_utf16());
        JsStr::from_utf16(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        match parse_text(&units) {
            Ok(_) => "ok".into(),
            Err(m) => m.to_string(),
        }
    }

    #[test]
    fn errors_in_v8_words() {
        let cases = [
            (
                r#"{"a":1,}"#,
                "Expected double-quoted property name in JSON at position 7",
            ),
            (
                "{'a':1}",
                "Expected property name or '}' in JSON at position 1",
            ),
            ("", "Unexpected end of JSON input"),
            (
                "[1,2",
                "Expected ',' or ']' after array element in JSON at position 4",
            ),
            ("NaN", "\"NaN\" is not valid JSON"),
            ("01", "Unexpected number in JSON at position 1"),
            ("[1,]", "Unexpected token ']', \"[1,]\" is not valid JSON"),
            (
                r#"{"a" 1}"#,
                "Expected ':' after property name in JSON at position 5",
            ),
            (
                r#"{"a":1,"b" 2}"#,
                "Unexpected number in JSON at position 11",
            ),
            (r#""abc"#, "Unterminated string in JSON at position 4"),
            (
                "\"a\u{1}\"",
                "Bad control character in string literal in JSON at position 2",
            ),
            (r#""\x""#, "Bad escaped character in JSON at position 2"),
            (r#""\u00zz""#, "Bad Unicode escape in JSON at position 5"),
            ("-", "No number after minus sign in JSON at position 1"),
            (
                "1e",
                "Exponent part is missing a number in JSON at position 2",
            ),
            ("1.", "Unterminated fractional number in JSON at position 2"),
            ("tru", "Unexpected end of JSON input"),
            ("trux", "Unexpected token 'x', \"trux\" is not valid JSON"),
            (
                "1 2",
                "Unexpected non-whitespace character after JSON at position 2",
            ),
            (
                &"x".repeat(50),
                "Unexpected token 'x', \"xxxxxxxxxx\"... is not valid JSON",
            ),
            (
                &format!("[{}x]", "1,".repeat(30)),
                "Unexpected token 'x', ...\"1,1,1,1,1,x]\" is not valid JSON",
            ),
            (
                "[1,1,1,1,1,1,1,1,1,x,1,1,1,1,1,1,1,1,1,1]",
                "Unexpected token 'x', ...\"1,1,1,1,1,x,1,1,1,1,\"... is not valid JSON",
            ),
            (r#"{"a":[1,{"b":[true,null,"s"]}],"c":-1.5e3}"#, "ok"),
        ];
        for (text, want) in cases {
            assert_eq!(err(text), want, "{text}");
        }
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let text = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
        assert_eq!(err(&text), "ok");
    }

    #[test]
    fn lone_surrogates_survive() {
        let units: Vec<u16> = r#""x\ud800y""#.encode_utf16().collect();
        let v = parse_text(&units);
        match v {
            Ok(Value::String(s)) => assert_eq!(s.to_utf16(), vec![0x78, 0xD800, 0x79]),
            _ => panic!("a string"),
        }
    }
}
