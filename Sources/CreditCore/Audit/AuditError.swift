/// A request of the audit log's that breaks its rules: `retention_too_short`.
public typealias AuditError = AreaError<AuditEvent>
