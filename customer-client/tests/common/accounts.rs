//! The two local accounts the elevation tests run `su` with: `sbcustomer` (unprivileged, the
//! customer's program runs as it through `runuser`) and `sbadmin` (an administrative account
//! whose password PAM checks). `.ci/run` and the README's set-up make both.

/// The unprivileged customer.
pub const CUSTOMER: &str = "sbcustomer";
/// The administrative account.
pub const ADMIN: &str = "sbadmin";
/// `sbadmin`'s password, as `.ci/run` sets it.
pub const ADMIN_PASSWORD: &str = "Sb-test-elevation-1";

/// `runuser -u sbcustomer --`: how the tests start `su` as the customer would.
pub fn run_as_customer() -> Vec<std::ffi::OsString> {
    ["runuser", "-u", CUSTOMER, "--"].map(Into::into).to_vec()
}

/// Fails, saying how to make them, where the accounts are missing.
pub fn require_test_accounts() {
    for user in [CUSTOMER, ADMIN] {
        let known = std::process::Command::new("id")
            .arg(user)
            .output()
            .is_ok_and(|out| out.status.success());
        assert!(
            known,
            "the test account `{user}` is missing: run the account step of .ci/run as root \
             (useradd {CUSTOMER} and {ADMIN}, chpasswd for {ADMIN})"
        );
    }
}
