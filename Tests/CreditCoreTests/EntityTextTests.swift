import CreditCore
import Testing

@Suite("Entity kinds and statuses as registration exports write them")
struct EntityTextTests {
    @Test(
        "企业类型 and 登记状态 columns are read as the registry's kinds and statuses",
        arguments: [
            ("enterprise", EntityKind.enterprise), ("企业", .enterprise), ("有限责任公司（自然人投资或控股）", .enterprise), ("股份有限公司(上市)", .enterprise),
            ("有限合伙企业", .enterprise), ("个体工商户", .individualBusiness), ("个体", .individualBusiness), ("农民专业合作社", .farmersCooperative),
            ("事业单位", .publicInstitution), ("社会团体", .socialOrganisation), ("民办非企业单位", .socialOrganisation), ("机关", .governmentBody),
        ] as [(String, EntityKind)]
    )
    func kinds(_ text: String, _ kind: EntityKind) {
        #expect(EntityKind(text: text) == kind)
    }

    @Test("登记状态: 存续, 在营, 开业 are operating; 注销 and 吊销 are the others; anything else is refused")
    func statuses() {
        #expect(["operating", "存续", "存续（在营、开业、在册）", "在营", "开业"].allSatisfy { EntityStatus(text: $0) == .operating })
        #expect(EntityStatus(text: "注销") == .deregistered && EntityStatus(text: "deregistered") == .deregistered)
        #expect(EntityStatus(text: "吊销，未注销") == .revoked)
        #expect(EntityStatus(text: "迁出") == nil && EntityKind(text: "外星人") == nil)
    }
}
