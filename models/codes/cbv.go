package codes

import (
	"slices"
	"strings"
)

// The GS1 Core Business Vocabulary (CBV 2.0) words trace events use: business steps,
// dispositions and business transaction types. EPCIS documents may give them as bare words
// ("shipping"), as CBV URNs ("urn:epcglobal:cbv:bizstep:shipping") or as GS1 Web URIs
// ("https://ref.gs1.org/cbv/BizStep-shipping"); the portal stores the bare word.

// CBVBizSteps are the CBV 2.0 business steps (§7.1).
var CBVBizSteps = []string{
	"accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
	"creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying",
	"disassembling", "dispensing", "encoding", "entering_exiting", "holding", "inspecting",
	"installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing",
	"repackaging", "repairing", "replacing", "reserving", "retail_selling", "sampling",
	"sensor_reporting", "shipping", "staging_outbound", "stock_taking", "stocking", "storing",
	"transporting", "unloading", "unpacking", "void_shipping",
}

// CBVDispositions are the CBV 2.0 dispositions (§7.2).
var CBVDispositions = []string{
	"active", "available", "completeness_inferred", "completeness_verified", "conformant",
	"container_closed", "container_open", "damaged", "destroyed", "dispensed", "disposed",
	"encoded", "expired", "in_progress", "in_transit", "inactive", "mismatch_class",
	"mismatch_instance", "mismatch_quantity", "needs_replacement", "no_pedigree_match",
	"non_conformant", "non_sellable_other", "partially_dispensed", "recalled", "reserved",
	"retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen",
	"unavailable", "unknown",
}

// CBVBizTransactionTypes are the CBV 2.0 business transaction types (§7.3): purchase order,
// despatch advice, invoice, bill of lading, test result, ...
var CBVBizTransactionTypes = []string{
	"bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma",
	"testprd", "testres", "upevt",
}

// TraceDocumentTypes are the document types a trace event may cite: the CBV business
// transaction types, plus the cross-border e-commerce inventory (清单) and the waybill, which
// the CBV has no word for.
var TraceDocumentTypes = append(slices.Clone(CBVBizTransactionTypes), "declaration", "waybill")

// cbvURIPrefixes are the URI forms of CBV words, by vocabulary.
var cbvURIPrefixes = map[string][]string{
	"bizstep":     {"urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"},
	"disposition": {"urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"},
	"btt":         {"urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"},
}

// cbvWord turns a CBV URI of the vocabulary into its bare word; anything else comes back as is.
func cbvWord(vocabulary, s string) string {
	for _, p := range cbvURIPrefixes[vocabulary] {
		if w, ok := strings.CutPrefix(s, p); ok {
			return w
		}
	}
	return s
}

// NormalizeBizStep returns the CBV business step a word or URI names, and whether it is one.
func NormalizeBizStep(s string) (string, bool) {
	w := cbvWord("bizstep", strings.TrimSpace(s))
	return w, slices.Contains(CBVBizSteps, w)
}

// NormalizeDisposition returns the CBV disposition a word or URI names, and whether it is one.
func NormalizeDisposition(s string) (string, bool) {
	w := cbvWord("disposition", strings.TrimSpace(s))
	return w, slices.Contains(CBVDispositions, w)
}

// NormalizeTraceDocumentType returns the document type a word or CBV URI names, and whether
// the portal knows it.
func NormalizeTraceDocumentType(s string) (string, bool) {
	w := cbvWord("btt", strings.TrimSpace(s))
	return w, slices.Contains(TraceDocumentTypes, w)
}
