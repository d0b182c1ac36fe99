//! E-mail addresses and URLs.

use super::{span, Found};
use crate::phi::PhiType;

/// Reports an e-mail address.
pub(super) fn email(_text: &str, start: usize, end: usize, out: &mut Vec<Found>) {
    out.push(span(PhiType::Email, start, end, 0.95, "email"));
}

/// The top-level domains that the fused pattern accepts for a bare domain.
const TOP_LEVEL_DOMAINS: &[&str] = &["com", "org", "net", "edu", "gov", "info", "biz", "io", "us", "health", "app"];

/// Reports a URL, after trimming the punctuation that ends the sentence around it.
///
/// A bare domain (`example.org`) needs a known top-level domain in lower case, so two
/// sentences glued by a period (`with.Seriously`) are not a URL. Without a scheme, `www.` or a
/// path it is only a site name, which is reported with less confidence.
pub(super) fn url(text: &str, start: usize, end: usize, scheme: bool, out: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    let mut end = end;
    while end > start && matches!(bytes[end - 1], b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b']' | b'}' | b'*') {
        if bytes[end - 1] == b')' && text[start..end].contains('(') {
            break;
        }
        end -= 1;
    }
    // A sentence glued after the URL (`.../values-clarificationIf this`, `.../part-2It`) ends
    // it before the capital, because a path rarely switches from lower to upper case for one
    // last word.
    let value = &text[start..end];
    if let Some(path_start) = value.find('/') {
        let tail_start = value.rfind(|c: char| !c.is_ascii_alphabetic()).map_or(0, |index| index + 1).max(path_start);
        let tail = &value[tail_start..];
        let capital = tail.char_indices().skip(1).find(|&(_, c)| c.is_ascii_uppercase()).map(|(index, _)| index);
        let glued = capital.is_some_and(|index| tail[..index].bytes().all(|byte| byte.is_ascii_lowercase()) && tail[index + 1..].bytes().all(|byte| byte.is_ascii_lowercase()));
        if let (true, Some(index)) = (glued, capital) {
            end = start + tail_start + index;
        } else if tail.len() >= 2 && tail.starts_with(|c: char| c.is_ascii_uppercase()) && tail[1..].bytes().all(|byte| byte.is_ascii_lowercase()) && value[..tail_start].ends_with(|c: char| c == '/' || c.is_ascii_digit()) {
            end = start + tail_start;
        }
    }
    // A sentence glued after a bare host (`www.example.org.Be easy`) ends it before the
    // capitalised word, when a known top-level domain comes right before that word.
    let value = &text[start..end];
    if !value.contains('/') {
        if let Some(dot) = value.rfind('.') {
            let (host, last) = (&value[..dot], &value[dot + 1..]);
            let capitalised = last.len() >= 2 && last.starts_with(|c: char| c.is_ascii_uppercase()) && last[1..].bytes().all(|byte| byte.is_ascii_lowercase());
            let tld = host.rsplit('.').next().is_some_and(|label| TOP_LEVEL_DOMAINS.contains(&label));
            if capitalised && tld && host.contains('.') {
                end = start + dot;
            }
        }
    }
    // A word glued before a host (`out.www.example.com`) is the end of a sentence, not a
    // subdomain.
    let mut start = start;
    if !scheme {
        if let Some(www) = text[start..end].to_ascii_lowercase().find(".www.") {
            start += www + 1;
        }
    }
    // An e-mail address was matched before; a domain right after `@` is part of it.
    if start > 0 && bytes[start - 1] == b'@' {
        return;
    }
    let value = &text[start..end];
    let has_path = value.contains('/');
    let confidence = if scheme || has_path { 0.9 } else { 0.6 };
    if value.len() < 5 {
        return;
    }
    out.push(span(PhiType::Url, start, end, confidence, "url"));
}
