/// A batch of records that cannot be stored as a whole: `unknown_department`, `unknown_category`.
public typealias RecordError = AreaError<StoredRecord>
