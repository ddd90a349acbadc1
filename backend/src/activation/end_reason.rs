//! Why an activation ended. Stored as its name (a text column, so a new reason needs no
//! migration) and answered in GraphQL as an enum.

use async_graphql::Enum;

/// Why an activation ended (or is being switched off).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Enum)]
pub enum EndReason {
    /// Its time was up.
    Expired,
    /// The customer cancelled it (a subscription at the end of its period, a trial at once).
    Cancelled,
    /// A subscription stayed unpaid past its grace period.
    PaymentFailed,
    /// The car changed hands: what was bought for a duration ends with the sale.
    OwnerChanged,
    /// Its charge was refunded in full: the purchase is undone.
    Refunded,
    /// Support switched it off by hand, with a reason (audited).
    SwitchedOffBySupport,
    /// Bought by bank transfer, the money did not arrive in time: it never started.
    TransferNotReceived,
    /// A fleet campaign switched it off (a deactivation campaign, or the rollback of a stopped one).
    CampaignSwitchedOff,
    /// A fleet campaign was stopped before the command went out: it never started.
    CampaignWithdrawn,
}

impl EndReason {
    const ALL: [Self; 9] = [
        Self::Expired,
        Self::Cancelled,
        Self::PaymentFailed,
        Self::OwnerChanged,
        Self::Refunded,
        Self::SwitchedOffBySupport,
        Self::TransferNotReceived,
        Self::CampaignSwitchedOff,
        Self::CampaignWithdrawn,
    ];

    /// The stored name, e.g. `OWNER_CHANGED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "EXPIRED",
            Self::Cancelled => "CANCELLED",
            Self::PaymentFailed => "PAYMENT_FAILED",
            Self::OwnerChanged => "OWNER_CHANGED",
            Self::Refunded => "REFUNDED",
            Self::SwitchedOffBySupport => "SWITCHED_OFF_BY_SUPPORT",
            Self::TransferNotReceived => "TRANSFER_NOT_RECEIVED",
            Self::CampaignSwitchedOff => "CAMPAIGN_SWITCHED_OFF",
            Self::CampaignWithdrawn => "CAMPAIGN_WITHDRAWN",
        }
    }

    /// The reason a stored name stands for; `None` for a name no reason has.
    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_reads_back_from_its_stored_name() {
        for reason in EndReason::ALL {
            assert_eq!(EndReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(EndReason::parse("expired"), None);
    }
}
