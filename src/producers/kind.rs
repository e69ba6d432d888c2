//! The scenarios' names, alone in a file so that build.rs can check lesson files against them
//! (it compiles this file, the lesson model and the lesson loader, nothing else of the crate).

/// The scenarios of the talk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScenarioKind {
    Syslog,
    CardAuthorisations,
    Clickstream,
    AccountTransactions,
    OrdersCustomers,
    Sensors,
}

impl ScenarioKind {
    pub const ALL: [ScenarioKind; 6] = [
        ScenarioKind::Syslog,
        ScenarioKind::CardAuthorisations,
        ScenarioKind::Clickstream,
        ScenarioKind::AccountTransactions,
        ScenarioKind::OrdersCustomers,
        ScenarioKind::Sensors,
    ];

    /// The producer's default name.
    pub fn name(self) -> &'static str {
        match self {
            ScenarioKind::Syslog => "syslog",
            ScenarioKind::CardAuthorisations => "card_authorisations",
            ScenarioKind::Clickstream => "clickstream",
            ScenarioKind::AccountTransactions => "account_transactions",
            ScenarioKind::OrdersCustomers => "orders_customers",
            ScenarioKind::Sensors => "sensors",
        }
    }

    pub fn from_name(name: &str) -> Option<ScenarioKind> {
        ScenarioKind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}
