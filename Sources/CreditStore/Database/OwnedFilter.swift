import SQLKit

extension SQLQueryString {
    /// Rows of an entity (`subject_code`) and/or made to a department (`department_code`); with neither, every row.
    static func owned(subjectCode: String?, departmentCode: String?) -> SQLQueryString {
        switch (subjectCode, departmentCode) {
        case (let s?, let d?): "subject_code = \(bind: s) AND department_code = \(bind: d)"
        case (let s?, nil): "subject_code = \(bind: s)"
        case (nil, let d?): "department_code = \(bind: d)"
        case (nil, nil): "1 = 1"
        }
    }
}
