//! Filling in a canned reply: `{customer}`, `{company}` and `{rep}` become the session's
//! customer, their company and the rep's own name.

use switchboard_protocol::CustomerInfo;

/// The template's text with its placeholders filled in (an unknown company reads "your
/// company", so a sentence never has a hole in it).
pub fn fill_template(text: &str, customer: &CustomerInfo, rep_name: &str) -> String {
    text.replace("{customer}", &customer.name)
        .replace(
            "{company}",
            customer.company.as_deref().unwrap_or("your company"),
        )
        .replace("{rep}", rep_name)
}

/// Puts `insert` into a draft: appended after what is there, separated by a space.
pub fn insert_into_draft(draft: &mut String, insert: &str) {
    if !draft.is_empty() && !draft.ends_with(char::is_whitespace) {
        draft.push(' ');
    }
    draft.push_str(insert);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        let customer = CustomerInfo {
            name: "Jane Doe".into(),
            company: Some("Acme".into()),
            ..CustomerInfo::default()
        };
        assert_eq!(
            fill_template("Hi {customer} of {company}, I'm {rep}.", &customer, "Alice"),
            "Hi Jane Doe of Acme, I'm Alice."
        );
        let no_company = CustomerInfo {
            name: "Jo".into(),
            ..CustomerInfo::default()
        };
        assert_eq!(
            fill_template("Which plan is {company} on?", &no_company, "A"),
            "Which plan is your company on?"
        );
    }

    #[test]
    fn inserting_keeps_what_was_typed() {
        let mut draft = String::new();
        insert_into_draft(&mut draft, "Hello");
        assert_eq!(draft, "Hello");
        insert_into_draft(&mut draft, "🙂");
        assert_eq!(draft, "Hello 🙂");
        let mut spaced = "Thanks ".to_owned();
        insert_into_draft(&mut spaced, "🙂");
        assert_eq!(spaced, "Thanks 🙂");
    }
}
