//! What the audit log records: every kind of change, with the name stored in `audit_log.action`
//! and the kind of record it changes (`audit_log.entity`). The names are part of the log's
//! history: never rename one.

/// One kind of audited change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    GiCreate,
    LivestreamCancel,
    LivestreamCreate,
    LivestreamUpdate,
    OcopApplicationAddDocument,
    OcopApplicationApprove,
    OcopApplicationCreate,
    OcopApplicationDraft,
    OcopApplicationReject,
    OcopApplicationReview,
    OcopApplicationSubmit,
    OcopApplicationWithdraw,
    OcopCertificateIssue,
    OcopCertificateRevoke,
    OcopCertificateSupersede,
    OcopDecisionImport,
    OrderPaid,
    OrderPlace,
    OrderStatus,
    /// Written before invitations, when owners added accounts directly; kept for the history.
    ProducerAddMember,
    ProducerAcceptInvitation,
    ProducerCreate,
    ProducerInviteMember,
    ProducerRemoveMember,
    ProducerSalesSettings,
    ProducerUpdate,
    ProductAddImage,
    ProductArchive,
    ProductCreate,
    ProductDeleteImage,
    ProductImport,
    ProductReorderImages,
    ProductUpdate,
    ReviewCreate,
    ReviewHide,
    ReviewReply,
    ReviewUpdate,
    UserChangePassword,
    UserGrantRole,
    UserLogin,
    UserLogout,
    UserRegister,
    UserRevokeSessions,
}

impl AuditAction {
    /// The name stored in the log (`product.update`).
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::GiCreate => "gi.create",
            AuditAction::LivestreamCancel => "livestream.cancel",
            AuditAction::LivestreamCreate => "livestream.create",
            AuditAction::LivestreamUpdate => "livestream.update",
            AuditAction::OcopApplicationAddDocument => "ocop_application.add_document",
            AuditAction::OcopApplicationApprove => "ocop_application.approve",
            AuditAction::OcopApplicationCreate => "ocop_application.create",
            AuditAction::OcopApplicationDraft => "ocop_application.draft",
            AuditAction::OcopApplicationReject => "ocop_application.reject",
            AuditAction::OcopApplicationReview => "ocop_application.review",
            AuditAction::OcopApplicationSubmit => "ocop_application.submit",
            AuditAction::OcopApplicationWithdraw => "ocop_application.withdraw",
            AuditAction::OcopCertificateIssue => "ocop_certificate.issue",
            AuditAction::OcopCertificateRevoke => "ocop_certificate.revoke",
            AuditAction::OcopCertificateSupersede => "ocop_certificate.supersede",
            AuditAction::OcopDecisionImport => "ocop_decision.import",
            AuditAction::OrderPaid => "order.paid",
            AuditAction::OrderPlace => "order.place",
            AuditAction::OrderStatus => "order.status",
            AuditAction::ProducerAddMember => "producer.add_member",
            AuditAction::ProducerAcceptInvitation => "producer.accept_invitation",
            AuditAction::ProducerCreate => "producer.create",
            AuditAction::ProducerInviteMember => "producer.invite_member",
            AuditAction::ProducerRemoveMember => "producer.remove_member",
            AuditAction::ProducerSalesSettings => "producer.sales_settings",
            AuditAction::ProducerUpdate => "producer.update",
            AuditAction::ProductAddImage => "product.add_image",
            AuditAction::ProductArchive => "product.archive",
            AuditAction::ProductCreate => "product.create",
            AuditAction::ProductDeleteImage => "product.delete_image",
            AuditAction::ProductImport => "product.import",
            AuditAction::ProductReorderImages => "product.reorder_images",
            AuditAction::ProductUpdate => "product.update",
            AuditAction::ReviewCreate => "review.create",
            AuditAction::ReviewHide => "review.hide",
            AuditAction::ReviewReply => "review.reply",
            AuditAction::ReviewUpdate => "review.update",
            AuditAction::UserChangePassword => "user.change_password",
            AuditAction::UserGrantRole => "user.grant_role",
            AuditAction::UserLogin => "user.login",
            AuditAction::UserLogout => "user.logout",
            AuditAction::UserRegister => "user.register",
            AuditAction::UserRevokeSessions => "user.revoke_sessions",
        }
    }

    /// The kind of record the change is about (`product`).
    pub fn entity(self) -> &'static str {
        match self {
            AuditAction::GiCreate => "geographical_indication",
            AuditAction::LivestreamCancel
            | AuditAction::LivestreamCreate
            | AuditAction::LivestreamUpdate => "livestream",
            AuditAction::OcopApplicationAddDocument
            | AuditAction::OcopApplicationApprove
            | AuditAction::OcopApplicationCreate
            | AuditAction::OcopApplicationDraft
            | AuditAction::OcopApplicationReject
            | AuditAction::OcopApplicationReview
            | AuditAction::OcopApplicationSubmit
            | AuditAction::OcopApplicationWithdraw => "ocop_application",
            AuditAction::OcopCertificateIssue
            | AuditAction::OcopCertificateRevoke
            | AuditAction::OcopCertificateSupersede => "ocop_certificate",
            AuditAction::OcopDecisionImport => "ocop_decision",
            AuditAction::OrderPaid | AuditAction::OrderPlace | AuditAction::OrderStatus => "order",
            AuditAction::ProducerAddMember
            | AuditAction::ProducerAcceptInvitation
            | AuditAction::ProducerCreate
            | AuditAction::ProducerInviteMember
            | AuditAction::ProducerRemoveMember
            | AuditAction::ProducerSalesSettings
            | AuditAction::ProducerUpdate
            | AuditAction::ProductImport => "producer",
            AuditAction::ProductAddImage
            | AuditAction::ProductArchive
            | AuditAction::ProductCreate
            | AuditAction::ProductDeleteImage
            | AuditAction::ProductReorderImages
            | AuditAction::ProductUpdate => "product",
            AuditAction::ReviewCreate
            | AuditAction::ReviewHide
            | AuditAction::ReviewReply
            | AuditAction::ReviewUpdate => "review",
            AuditAction::UserChangePassword
            | AuditAction::UserGrantRole
            | AuditAction::UserLogin
            | AuditAction::UserLogout
            | AuditAction::UserRegister
            | AuditAction::UserRevokeSessions => "user",
        }
    }
}
