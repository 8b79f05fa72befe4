fn main() {
    let path = std::env::args().nth(1).unwrap();
    let raw = std::fs::read(&path).unwrap();
    let mail = listhygiene::parse::mime::Mail::parse(&raw).unwrap();
    println!("DS parts: {}", mail.delivery_status.len());
    println!("FR: {:?}", mail.feedback_report.as_deref().map(|s| &s[..s.len().min(300)]));
    println!("ORIG HEADERS: {:?}", mail.original_headers.as_deref().map(|s| &s[..s.len().min(400)]));
    println!("BODY:\n{}", &mail.body[..mail.body.len().min(3000)]);
    for p in &mail.message.parts { if let mail_parser::PartType::Message(m) = &p.body { println!("nested raw len {} root {:?} {:?} {:?}; part offs {} {} {}", m.raw_message().len(), m.parts[0].offset_header, m.parts[0].offset_body, m.parts[0].offset_end, p.offset_header, p.offset_body, p.offset_end); } }
    for (i,p) in mail.message.parts.iter().enumerate() { use mail_parser::MimeHeaders; println!("part {i}: {:?} {:?}", p.content_type().map(|c| (c.ctype().to_string(), c.subtype().map(|s| s.to_string()))), match &p.body { mail_parser::PartType::Text(_) => "text", mail_parser::PartType::Html(_) => "html", mail_parser::PartType::Binary(_) => "bin", mail_parser::PartType::InlineBinary(_) => "ibin", mail_parser::PartType::Message(_) => "msg", mail_parser::PartType::Multipart(_) => "multi"}); }
}
#[allow(dead_code)]
fn x() {}
