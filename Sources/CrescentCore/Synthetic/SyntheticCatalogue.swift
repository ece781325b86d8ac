/// The fixed tables the synthetic generator draws from: names, cities, products.
///
/// Part of the determinism contract: editing a table changes every generated population.
enum SyntheticCatalogue {
    static let surnames = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
                           "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo"]
    static let femaleGiven = ["Fang", "Na", "Min", "Jing", "Li", "Yan", "Xiu", "Hui", "Ying", "Lan",
                              "Mei", "Ting", "Xue", "Qian", "Yu", "Jia"]
    static let maleGiven = ["Wei", "Qiang", "Lei", "Jun", "Yong", "Jie", "Tao", "Ming", "Chao", "Hao",
                            "Peng", "Bo", "Hui", "Gang", "Yi", "Long"]

    struct City { let name: String; let code: String; let utcOffsetMinutes: Int; let weight: Double }
    static let cities: [City] = [
        City(name: "Shanghai", code: "SH", utcOffsetMinutes: 480, weight: 14),
        City(name: "Beijing", code: "BJ", utcOffsetMinutes: 480, weight: 13),
        City(name: "Guangzhou", code: "GZ", utcOffsetMinutes: 480, weight: 9),
        City(name: "Shenzhen", code: "SZ", utcOffsetMinutes: 480, weight: 9),
        City(name: "Hangzhou", code: "HZ", utcOffsetMinutes: 480, weight: 7),
        City(name: "Chengdu", code: "CD", utcOffsetMinutes: 480, weight: 7),
        City(name: "Wuhan", code: "WH", utcOffsetMinutes: 480, weight: 6),
        City(name: "Nanjing", code: "NJ", utcOffsetMinutes: 480, weight: 5),
        City(name: "Xi'an", code: "XA", utcOffsetMinutes: 480, weight: 5),
        City(name: "Chongqing", code: "CQ", utcOffsetMinutes: 480, weight: 5),
        City(name: "Suzhou", code: "SU", utcOffsetMinutes: 480, weight: 4),
        City(name: "Tianjin", code: "TJ", utcOffsetMinutes: 480, weight: 4),
        City(name: "Hong Kong", code: "HK", utcOffsetMinutes: 480, weight: 3),
        City(name: "Singapore", code: "SG", utcOffsetMinutes: 480, weight: 2),
        City(name: "Tokyo", code: "TK", utcOffsetMinutes: 540, weight: 2),
        City(name: "Sydney", code: "SY", utcOffsetMinutes: 600, weight: 1),
        City(name: "London", code: "LD", utcOffsetMinutes: 0, weight: 1),
        City(name: "Vancouver", code: "VC", utcOffsetMinutes: -480, weight: 1),
    ]
    static let cityWeights = cities.map(\.weight)

    struct Product { let sku: String; let price: Int64 }  // price in minor units
    struct Category { let name: String; let tag: String; let weight: Double; let products: [Product] }
    static let categories: [Category] = [
        Category(name: "face_mask", tag: "beauty", weight: 10, products: [
            Product(sku: "FM-01", price: 8_900), Product(sku: "FM-02", price: 12_900),
            Product(sku: "FM-03", price: 15_900)]),
        Category(name: "skincare", tag: "beauty", weight: 9, products: [
            Product(sku: "SK-01", price: 39_900), Product(sku: "SK-02", price: 25_900),
            Product(sku: "SK-03", price: 14_900)]),
        Category(name: "tyre", tag: "car_owner", weight: 3, products: [
            Product(sku: "TY-01", price: 52_000), Product(sku: "TY-02", price: 78_000)]),
        Category(name: "car_service", tag: "car_owner", weight: 5, products: [
            Product(sku: "CS-01", price: 29_900), Product(sku: "CS-02", price: 4_900),
            Product(sku: "CS-03", price: 89_900)]),
        Category(name: "coffee", tag: "coffee_lover", weight: 12, products: [
            Product(sku: "CF-01", price: 3_200), Product(sku: "CF-02", price: 2_500),
            Product(sku: "CF-03", price: 16_800)]),
        Category(name: "snacks", tag: "foodie", weight: 8, products: [
            Product(sku: "SN-01", price: 5_900), Product(sku: "SN-02", price: 3_900)]),
        Category(name: "apparel", tag: "fashion", weight: 7, products: [
            Product(sku: "AP-01", price: 9_900), Product(sku: "AP-02", price: 45_900)]),
        Category(name: "baby_care", tag: "parent", weight: 4, products: [
            Product(sku: "BC-01", price: 13_900), Product(sku: "BC-02", price: 29_900)]),
    ]
    static let categoryWeights = categories.map(\.weight)

    static let educations = ["high_school", "college", "bachelor", "master", "doctorate"]
    static let educationWeights: [Double] = [20, 25, 38, 14, 3]
    static let occupations = ["office_worker", "engineer", "teacher", "student", "freelancer",
                              "civil_servant", "business_owner", "retired", "healthcare", "driver"]
    static let incomes = ["<5k", "5k-10k", "10k-20k", "20k-50k", ">50k"]
    static let incomeWeights: [Double] = [15, 32, 30, 17, 6]
    static let interests = ["travel", "running", "cooking", "gaming", "reading", "movies",
                            "photography", "yoga", "football", "music"]
    static let extraTags = ["student", "night_owl", "weekend_shopper", "coupon_hunter", "vip_event"]
    static let phonePrefixes = ["138", "139", "158", "186", "136", "150", "177", "189"]

    /// Channel codes and the share of members who consent to each.
    static let consentRates: [(ChannelCode, Double)] = [
        ("sms", 0.72), ("email", 0.45), ("push", 0.55), ("wechat", 0.62), ("inapp", 0.85)]
}
