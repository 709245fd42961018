package app

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/hzcbec/portal/models"
)

// The demo accounts the story adds to the one per role of Seed (password DemoPassword).
const (
	demoConsumer   = "consumer@demo.portal"
	demoConsumer2  = "consumer2@demo.portal"
	demoConsumer3  = "consumer3@demo.portal"
	demoMerchant   = "merchant@demo.portal"
	demoMerchant2  = "merchant2@demo.portal" // staff of the firm that ends on the negative list
	demoInspector  = "inspector@demo.portal"
	demoArbitrator = "arbitrator@demo.portal"
	demoAdmin      = "admin@demo.portal"
)

// demoPowerBank is the product the story follows from the listing back to its factory: its GTIN
// is the one of the SGTINs in GS1's EPCIS example 9.6.1, so the real example document's events
// join its trace.
const demoPowerBankEPC = "urn:epc:id:sgtin:0614141.107346.2017"

// tell is the story, in the order it happened.
func (d *demo) tell() {
	d.account(models.NewUser{Email: demoConsumer2, Name: "刘芳", Roles: []string{models.RoleConsumer}})
	d.account(models.NewUser{Email: demoConsumer3, Name: "Emily Chen", Roles: []string{models.RoleConsumer}})

	chain := d.traceChain()
	d.inspections(chain)
	d.negativeList()
	d.complaints(chain)
	d.reviewComplaints()
	d.claims()
	d.cases()
}

// demoChain is what the trace registers: the parties and the power bank's listing.
type demoChain struct {
	importer, manufacturer, product, batch, listing, gtin string
}

func (d *demo) party(kind, name, nameEn, country, jurisdiction string) string {
	body := map[string]any{"kind": kind, "name": name, "name_en": nameEn, "country": country}
	if jurisdiction != "" {
		body["jurisdiction"] = jurisdiction
	}
	return id(d.call("POST", "/api/v1/parties", demoInspector, body))
}

// traceChain registers the power bank end to end: maker, exporter, importer, bonded warehouse,
// carrier, a 1210 declaration, the shipment, the events on the way (the real GS1 example among
// them) and the listing an inspector found online, with its snapshot.
func (d *demo) traceChain() demoChain {
	d.day(0, 10)
	gtin, _, _ := models.EPCGTIN(demoPowerBankEPC)
	c := demoChain{gtin: gtin}
	c.manufacturer = d.party("manufacturer", "示例动力电子公司", "Example Power Electronics Inc.", "US", "")
	exporter := d.party("exporter", "示例环球出口公司", "Example Global Export LLC", "US", "")
	c.importer = d.party("importer", "杭州示例进口贸易有限公司", "Hangzhou Demo Import Trading Co., Ltd.", "CN", "330106")
	warehouse := d.party("warehouse", "下沙综合保税区示例仓", "Xiasha Bonded Zone Demo Warehouse", "CN", "330114")
	carrier := d.party("logistics", "示例国际货运有限公司", "Demo International Freight Co., Ltd.", "CN", "330108")
	d.party("lab", "浙江示例检测技术有限公司", "Zhejiang Demo Testing Co., Ltd.", "CN", "330106")

	c.product = id(d.call("POST", "/api/v1/products", demoInspector, map[string]any{
		"name": "示例动力 20000mAh 充电宝", "name_en": "Example Power 20000mAh power bank", "brand": "Example Power",
		"model": "EP-20K", "gtin": gtin, "hs_code": "8507600090", "category": "electronics",
		"origin_country": "US", "manufacturer_id": c.manufacturer}))
	c.batch = id(d.call("POST", "/api/v1/products/"+c.product+"/batches", demoInspector, map[string]any{
		"lot": "EP2026-09", "produced_on": hangzhouDay(d.start.AddDate(0, 0, -40))}))

	made := d.start.AddDate(0, 0, -30)
	decl := d.call("POST", "/api/v1/declarations", demoInspector, map[string]any{
		"number": "290120261000123456", "order_no": "EP-ORDER-20261001", "logistics_no": "DEMO-WB-0001", "trade_mode": "1210",
		"importer_id": c.importer, "ebc_id": "demo-merchant", "ebp_id": "demo-platform", "customs_code": "2901", "port_code": "2991",
		"declared_at": when(made.AddDate(0, 0, 12)),
		"lines": []map[string]any{{"product_id": c.product, "hs_code": "8507600090", "name": "充电宝（锂离子移动电源）",
			"model": "EP-20K", "barcode": gtin, "origin_country": "US", "quantity": "500", "unit": "个", "price": "139.00", "currency": "CNY"}}})
	d.call("POST", "/api/v1/shipments", demoInspector, map[string]any{"declaration_id": id(decl), "carrier_id": carrier,
		"waybill": "DEMO-WB-0001", "status": "arrived", "from_party_id": exporter, "to_party_id": warehouse,
		"shipped_at": when(made.AddDate(0, 0, 3)), "arrived_at": when(made.AddDate(0, 0, 10))})
	docs := []map[string]any{{"type": "declaration", "number": "290120261000123456"}, {"type": "inv", "number": "EPX-INV-7781"}}
	for _, ev := range []map[string]any{
		{"type": "object", "action": "ADD", "event_time": when(made), "biz_step": "commissioning",
			"product_id": c.product, "batch_id": c.batch, "party_id": c.manufacturer},
		{"type": "object", "action": "OBSERVE", "event_time": when(made.AddDate(0, 0, 3)), "biz_step": "shipping",
			"disposition": "in_transit", "product_id": c.product, "from_party_id": exporter, "to_party_id": warehouse, "documents": docs},
		{"type": "object", "action": "OBSERVE", "event_time": when(made.AddDate(0, 0, 10)), "biz_step": "receiving",
			"disposition": "in_progress", "product_id": c.product, "party_id": warehouse},
	} {
		d.call("POST", "/api/v1/trace-events", demoInspector, ev)
	}
	// GS1's own example document: its SGTINs are the power bank's, so its events join the trace.
	if doc := d.readData("epcis", "gs1", "Example_9.6.1-ObjectEvent.jsonld"); d.err == nil {
		req := newJSONRequest("POST", "/api/v1/epcis/capture", doc)
		d.send(req, demoInspector)
	}

	d.day(2, 15)
	c.listing = id(d.call("POST", "/api/v1/listings", demoInspector, map[string]any{
		"platform_id": "demo-platform", "merchant_id": "demo-merchant", "url": "https://shop.demo-market.example/item/EP-20K",
		"title": "美国 Example Power 20000mAh 大容量充电宝 EP-20K", "price": "169.00", "currency": "CNY",
		"product_id": c.product, "gtins": []string{gtin}, "discovered_at": when(d.clock.Now())}))
	d.upload("/api/v1/listings/"+c.listing+"/snapshot", demoInspector, "listing-EP-20K.png", snapshotPNG())
	return c
}

// inspections: one passed at the port, one failed from an online purchase, the alert it raised
// and its measures: the listing delisted (complied and verified) and the importer's recall
// (overdue: silence).
func (d *demo) inspections(c demoChain) {
	d.day(3, 10)
	passed := d.call("POST", "/api/v1/inspections", demoInspector, map[string]any{
		"product_id": c.product, "batch_id": c.batch, "kind": "port", "sampled_at": when(d.clock.Now().Add(-24 * time.Hour)),
		"conclusion": "conformant", "report_no": "ZJ-LAB-2026-0311",
		"items": []map[string]any{
			{"name": "标识和说明", "standard": "GB 4943.1-2022", "value": "符合", "unit": "", "limit": "符合", "verdict": "pass"},
			{"name": "输出电压", "standard": "GB/T 35590-2017", "value": "5.05", "unit": "V", "limit": "5.0±0.25", "verdict": "pass"},
		}})
	d.upload("/api/v1/inspections/"+inspectionID(passed)+"/report", demoInspector, "ZJ-LAB-2026-0311.pdf", labReportPDF("ZJ-LAB-2026-0311"))

	d.day(9, 14)
	failed := d.call("POST", "/api/v1/inspections", demoInspector, map[string]any{
		"product_id": c.product, "listing_id": c.listing, "kind": "online_purchase", "sampled_at": when(d.clock.Now().Add(-72 * time.Hour)),
		"conclusion": "non_conformant", "report_no": "ZJ-LAB-2026-0342",
		"items": []map[string]any{
			{"name": "外壳阻燃", "standard": "GB 4943.1-2022", "value": "V-2", "unit": "", "limit": "V-1", "verdict": "fail"},
			{"name": "过充保护", "standard": "GB 31241-2022", "value": "无动作", "unit": "", "limit": "应切断", "verdict": "fail"},
			{"name": "输出电压", "standard": "GB/T 35590-2017", "value": "5.10", "unit": "V", "limit": "5.0±0.25", "verdict": "pass"},
		}})
	failedID := inspectionID(failed)
	d.upload("/api/v1/inspections/"+failedID+"/report", demoInspector, "ZJ-LAB-2026-0342.pdf", labReportPDF("ZJ-LAB-2026-0342"))

	d.day(10, 9)
	alert := id(d.call("POST", "/api/v1/alerts", demoInspector, map[string]any{
		"title": "示例动力 EP-20K 充电宝外壳阻燃和过充保护不合格（Example Power EP-20K power bank: flame rating and overcharge protection fail）",
		"level": "serious", "hazards": []string{"fire", "burns"}, "product_ids": []string{c.product}, "gtins": []string{c.gtin},
		"description": "网购抽检发现外壳阻燃等级 V-2（要求 V-1）且过充保护不动作，充电时可能起火。消费者应立即停止使用并联系商家退货。" +
			" Online test purchase: casing flame rating V-2 (V-1 required) and no overcharge cut-off; it may catch fire while charging. Stop using it and return it.",
		"measures": []string{"delist", "recall"}, "public": true, "inspection_id": failedID}))

	delist := id(d.call("POST", "/api/v1/measures", demoInspector, map[string]any{"kind": "delist", "alert_id": alert,
		"listing_id": c.listing, "deadline": when(d.clock.Now().Add(72 * time.Hour)), "basis": "《中华人民共和国产品质量法》第四十九条"}))
	recall := id(d.call("POST", "/api/v1/measures", demoInspector, map[string]any{"kind": "recall", "alert_id": alert,
		"target_party_id": c.importer, "deadline": when(d.clock.Now().Add(10 * 24 * time.Hour)),
		"basis": "《消费品召回管理暂行规定》第十二条"}))
	d.records += 2
	d.day(11, 16)
	d.act("measures", delist, "comply", demoMerchant, map[string]any{"proof": "已于今日下架该商品链接，见后台截图。"})
	d.day(12, 10)
	d.act("measures", delist, "verify", demoInspector, nil)
	d.lapse("measures", recall, "comply_by") // the importer never answered
}

// negativeList: a firm that ignored two measures within a year; the rule proposes its listing
// and the zone office (admin) confirms it.
func (d *demo) negativeList() {
	d.day(14, 10)
	speedy := d.party("merchant", "杭州速达跨境商贸有限公司", "Hangzhou Speedy Cross-border Commerce Co., Ltd.", "CN", "330106")
	d.account(models.NewUser{Email: demoMerchant2, Name: "孙速达", Roles: []string{models.RoleMerchant}, PartyID: &speedy})
	for _, m := range []struct{ kind, basis string }{
		{"sales_ban", "销售无 3C 认证的儿童电动玩具，依据《产品质量法》第四十九条责令停止销售。"},
		{"withdrawal", "同批次产品抽检不合格，责令下架并召回已售商品。"},
	} {
		measure := id(d.call("POST", "/api/v1/measures", demoInspector, map[string]any{"kind": m.kind, "target_party_id": speedy,
			"deadline": when(d.clock.Now().Add(5 * 24 * time.Hour)), "basis": m.basis}))
		d.records++
		d.lapse("measures", measure, "comply_by")
	}
	d.day(22, 10)
	proposals := d.call("GET", "/api/v1/negative-list/proposals", demoAdmin, nil)
	items, _ := proposals["items"].([]any)
	for _, it := range items {
		if e, _ := it.(map[string]any); e["party_id"] == speedy {
			d.call("POST", "/api/v1/negative-list/"+id(e)+"/confirmation", demoAdmin, map[string]any{
				"decision": "confirm", "reason": "一年内两次拒不履行处置措施，经核实列入严重失信名单。"})
			return
		}
	}
	d.fail(fmt.Errorf("demo: no negative-list proposal for %s after two ignored measures: %v", speedy, proposals))
}

// complaint is one complaint of the story: who files it about what.
func (d *demo) complaint(as, category, amount, description, request string, c *demoChain) string {
	body := map[string]any{"respondent_id": "demo-merchant", "platform_id": "demo-platform",
		"order_ref": fmt.Sprintf("DM-%s-%03d", d.clock.Now().Format("20060102"), d.records+1), "category": category,
		"amount": amount, "currency": "CNY", "description": description, "request": request}
	if c != nil {
		body["product_id"], body["listing_id"] = c.product, c.listing
	}
	return d.file("complaints", as, body)
}

// complaints in every state: settled by the merchant's offer, mediated to a settlement, ended
// unresolved, paused, withdrawn, escalated by silence, and (recent) still waiting for the merchant
// or for the consumer. The refused one goes to arbitration in cases.
func (d *demo) complaints(c demoChain) {
	d.day(5, 20)
	first := d.complaint(demoConsumer, "safety", "169.00", "充电宝充电时外壳发烫，还有焦味，不敢再用。", "退货退款", &c)
	d.day(6, 11)
	d.act("complaints", first, "respond", demoMerchant, map[string]any{"remedy": "refund", "amount": "169.00",
		"message": "非常抱歉，已为您办理全额退款，无需退回商品，请停止使用。"})
	d.day(6, 19)
	d.act("complaints", first, "accept_offer", demoConsumer, nil)

	d.day(8, 9)
	mediated := d.complaint(demoConsumer2, "quality", "169.00", "充电宝用了一周就鼓包，商家说是人为损坏不给退。", "换货或退款", &c)
	d.lapse("complaints", mediated, "respond_by") // the merchant stayed silent: the office takes it
	d.act("complaints", mediated, "accept", demoInspector, nil)
	d.clock.Set(d.clock.Now().Add(50 * time.Hour))
	d.act("complaints", mediated, "settle", demoInspector, map[string]any{"terms": "经调解，商家退款 169 元并承担退货运费，消费者退回商品。"})

	d.day(18, 10)
	unresolved := d.complaint(demoConsumer3, "not_as_described", "420.00",
		"The espresso machine I ordered was described as 15 bar with a steam wand; the one delivered has no steam wand.", "Full refund", nil)
	d.act("complaints", unresolved, "respond", demoMerchant, map[string]any{"remedy": "compensation", "amount": "50.00",
		"message": "我们可以补偿 50 元。We can offer CNY 50 in compensation."})
	d.clock.Set(d.clock.Now().Add(20 * time.Hour))
	d.act("complaints", unresolved, "reject_offer", demoConsumer3, nil)
	d.act("complaints", unresolved, "accept", demoInspector, nil)
	d.clock.Set(d.clock.Now().Add(7 * 24 * time.Hour))
	d.act("complaints", unresolved, "terminate", demoInspector, map[string]any{"reason": "双方对赔偿金额分歧较大，调解不成。"})

	d.day(24, 15)
	withdrawn := d.complaint(demoConsumer, "non_delivery", "89.00", "下单十天仍未发货，物流信息一直没有更新。", "尽快发货或退款", nil)
	d.clock.Set(d.clock.Now().Add(26 * time.Hour))
	d.act("complaints", withdrawn, "withdraw", demoConsumer, nil)

	d.day(40, 10)
	paused := d.complaint(demoConsumer2, "counterfeit", "599.00", "收到的耳机序列号在品牌官网查不到，怀疑是假货。", "退一赔三", nil)
	d.lapse("complaints", paused, "respond_by")
	d.act("complaints", paused, "accept", demoInspector, nil)
	d.clock.Set(d.clock.Now().Add(3 * 24 * time.Hour))
	d.act("complaints", paused, "pause", demoInspector, map[string]any{"reason": "送品牌方鉴定真伪，鉴定期间暂停调解期限。"})

	d.day(44, 10)
	mediating := d.complaint(demoConsumer, "quality", "329.00", "空气炸锅使用三次后涂层大面积脱落，担心有害。", "退货退款", nil)
	d.lapse("complaints", mediating, "respond_by")
	d.act("complaints", mediating, "accept", demoInspector, nil)

	d.day(58, 10)
	inReview := d.complaint(demoConsumer3, "after_sales", "259.00", "The blender stopped working after 3 weeks and the seller does not answer.", "Repair or replace", nil)
	d.lapse("complaints", inReview, "respond_by")

	// Recent: the merchant still has to answer one, the consumer to decide on an offer.
	d.recent(30)
	d.complaint(demoConsumer, "safety", "169.00", "同款充电宝，我家的也在充电时冒烟了，差点起火。", "退货退款并赔偿", &c)
	d.recent(52)
	offered := d.complaint(demoConsumer2, "quality", "129.00", "保温杯的杯盖密封圈漏水，装热水会烫手。", "换货", nil)
	d.recent(20)
	d.act("complaints", offered, "respond", demoMerchant, map[string]any{"remedy": "replace",
		"message": "抱歉给您带来不便，我们将免费为您更换新杯盖，请确认收货地址。"})
}

// reviewComplaints files, when the real shopping reviews are at hand, the first few bad ones
// about goods as complaints: real consumers' words, waiting for the merchant's answer.
func (d *demo) reviewComplaints() {
	if d.reviews == "" || d.err != nil {
		return
	}
	reviews, err := ReadReviews(d.reviews, 3000)
	if err != nil {
		d.fail(fmt.Errorf("demo reviews (PORTAL_BENCH_REVIEWS): %w", err))
		return
	}
	filed := 0
	for _, r := range reviews {
		if r.Label != "0" || len([]rune(r.Review)) < 20 || filed == 3 {
			continue
		}
		d.recent(float64(60 - 10*filed))
		d.complaint(demoConsumer3, reviewCategory(r), "199.00", r.Review, "退货退款", nil)
		filed++
	}
}

// claims after sale: approved by silence, refused and escalated, returned and refunded,
// withdrawn, and one waiting for the merchant.
func (d *demo) claims() {
	claim := func(as, kind, amount, reason string, deliveredDaysAgo int) string {
		return d.file("claims", as, map[string]any{"respondent_id": "demo-merchant", "type": kind, "no_reason": kind == "return",
			"order_ref":    fmt.Sprintf("DM-%s-%03d", d.clock.Now().Format("20060102"), d.records+1),
			"delivered_at": when(d.clock.Now().AddDate(0, 0, -deliveredDaysAgo)), "amount": amount, "currency": "CNY", "reason": reason})
	}
	d.day(15, 10)
	silent := claim(demoConsumer, "return", "299.00", "尺码偏小，申请七天无理由退货。", 2)
	d.lapse("claims", silent, "answer_by") // the merchant's silence approves it

	d.day(20, 10)
	refunded := claim(demoConsumer2, "return", "199.00", "颜色与图片差别很大，七天无理由退货。", 3)
	d.act("claims", refunded, "approve", demoMerchant, nil)
	d.clock.Set(d.clock.Now().Add(20 * time.Hour))
	d.act("claims", refunded, "ship_return", demoConsumer2, map[string]any{"carrier": "中通快递", "waybill": "ZT7781234567"})
	d.clock.Set(d.clock.Now().Add(3 * 24 * time.Hour))
	d.act("claims", refunded, "confirm_receipt", demoMerchant, nil)
	d.clock.Set(d.clock.Now().Add(5 * time.Hour))
	d.act("claims", refunded, "refund", demoMerchant, map[string]any{"amount": "199.00", "reference": "RF-20261004-0042"})

	d.day(30, 10)
	escalated := claim(demoConsumer3, "repair", "880.00", "The robot vacuum's charging dock broke within the warranty period.", 20)
	d.act("claims", escalated, "reject", demoMerchant, map[string]any{"reason": "人为损坏不在保修范围内。"})
	d.clock.Set(d.clock.Now().Add(30 * time.Hour))
	d.act("claims", escalated, "escalate", demoConsumer3, nil)

	d.day(35, 10)
	withdrawn := claim(demoConsumer, "replace", "59.00", "收到的数据线无法充电，申请换货。", 1)
	d.clock.Set(d.clock.Now().Add(4 * time.Hour))
	d.act("claims", withdrawn, "withdraw", demoConsumer, nil)

	d.recent(40)
	shipped := claim(demoConsumer3, "return", "159.00", "The kettle's lid does not close; returning it within seven days.", 1)
	d.recent(30)
	d.act("claims", shipped, "approve", demoMerchant, nil)
	d.recent(8)
	d.act("claims", shipped, "ship_return", demoConsumer3, map[string]any{"carrier": "SF Express", "waybill": "SF1402277881"})

	d.recent(6)
	claim(demoConsumer2, "return", "349.00", "鞋子偏大一码，申请七天无理由退货。", 2)
}

// cases: a refused complaint carried to a published, anonymised award the merchant complied
// with; a case in the tribunal's hands; one just filed.
func (d *demo) cases() {
	d.day(26, 10)
	refused := d.complaint(demoConsumer, "quality", "1299.00",
		"本人王小明（电话 13812345678）购买的扫地机器人使用一个月后主板烧毁，商家称已超过退货期拒绝处理。", "退货退款", nil)
	d.lapse("complaints", refused, "respond_by")
	d.act("complaints", refused, "refuse", demoInspector, map[string]any{"reason": "before_court_or_arbitration",
		"note": "双方订单约定争议提交在线仲裁。"})
	caseID, _ := d.act("complaints", refused, "to_arbitration", demoConsumer, map[string]any{
		"agreement": "平台用户协议第 12 条：因本交易产生的争议提交杭州仲裁委员会在线仲裁。"})["case_id"].(string)
	d.records++
	d.clock.Set(d.clock.Now().Add(24 * time.Hour))
	d.act("cases", caseID, "accept", demoArbitrator, nil)
	d.clock.Set(d.clock.Now().Add(4 * 24 * time.Hour))
	d.act("cases", caseID, "submit_defence", demoMerchant, map[string]any{"defence": "产品出厂检验合格，损坏系消费者使用不当造成。"})
	d.clock.Set(d.clock.Now().Add(2 * 24 * time.Hour))
	d.act("cases", caseID, "appoint", demoArbitrator, map[string]any{"arbitrator_id": d.userID(demoArbitrator)})
	d.act("cases", caseID, "schedule_hearing", demoArbitrator, map[string]any{"at": when(d.clock.Now().Add(5 * 24 * time.Hour)), "mode": "online"})
	d.clock.Set(d.clock.Now().Add(5*24*time.Hour + time.Hour))
	d.act("cases", caseID, "close_hearing", demoArbitrator, nil)
	d.clock.Set(d.clock.Now().Add(3 * 24 * time.Hour))
	d.act("cases", caseID, "issue_award", demoArbitrator, map[string]any{"outcome": "upheld", "amount": "1299.00", "currency": "CNY",
		"reasoning": "申请人王小明提交的检测报告证明主板烧毁系产品缺陷所致，被申请人未能证明使用不当。依据《消费者权益保护法》第二十四条，裁决被申请人退还货款 1299 元。"})
	d.act("cases", caseID, "publish", demoArbitrator, nil)
	d.clock.Set(d.clock.Now().Add(6 * 24 * time.Hour))
	d.act("cases", caseID, "record_compliance", demoMerchant, nil)

	d.day(50, 10)
	heard := d.file("cases", demoConsumer3, map[string]any{"respondent_id": "demo-merchant", "amount": "2400.00", "currency": "CNY",
		"claim":     "Refund of a laptop delivered with a cracked screen, and the return postage.",
		"agreement": "Platform terms of use, clause 12: disputes go to online arbitration in Hangzhou."})
	d.clock.Set(d.clock.Now().Add(24 * time.Hour))
	d.act("cases", heard, "accept", demoArbitrator, nil)
	d.clock.Set(d.clock.Now().Add(3 * 24 * time.Hour))
	d.act("cases", heard, "submit_defence", demoMerchant, map[string]any{"defence": "签收时未提出异议，屏幕破损系运输后造成。"})
	d.act("cases", heard, "appoint", demoArbitrator, map[string]any{"arbitrator_id": d.userID(demoArbitrator)})

	d.recent(10)
	d.file("cases", demoConsumer2, map[string]any{"respondent_id": "demo-merchant", "amount": "680.00", "currency": "CNY",
		"claim":     "退还香水货款 680 元：收到的香水与宣传的批次不符，疑似假货。",
		"agreement": "平台用户协议第 12 条：争议提交在线仲裁。"})
}

// userID is the id of a demo account.
func (d *demo) userID(email string) string {
	if d.err != nil {
		return ""
	}
	u, err := d.srv.store.UserByEmail(d.ctx, email)
	if err != nil {
		d.fail(err)
		return ""
	}
	return u.ID
}

// inspectionID is the id in an inspection's answer ({"inspection": {...}}).
func inspectionID(answer map[string]any) string {
	ins, _ := answer["inspection"].(map[string]any)
	return id(ins)
}

// snapshotPNG is the captured page of the listing: a small picture (real PNG bytes).
func snapshotPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := range 200 {
		for x := range 320 {
			c := color.RGBA{R: 250, G: 250, B: 252, A: 255}
			if y < 28 {
				c = color.RGBA{R: 230, G: 80, B: 40, A: 255} // the shop's header
			} else if x > 16 && x < 140 && y > 44 && y < 180 {
				c = color.RGBA{R: 60, G: 60, B: 70, A: 255} // the product photo
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// labReportPDF is a one-page PDF that names the report number.
func labReportPDF(number string) []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
		"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n" +
		"4 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 72 770 Td (Test report " + number + ") Tj ET\nendstream endobj\n" +
		"trailer << /Root 1 0 R >>\n%%EOF\n")
}
