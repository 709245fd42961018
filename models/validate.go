package models

import (
	"errors"
	"reflect"
	"regexp"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/hzcbec/portal/models/codes"
)

// validate checks struct tags; field errors use the JSON names a client sent.
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// money: a decimal string with at most two decimals ("129.90").
	_ = v.RegisterValidation("money", func(fl validator.FieldLevel) bool { return moneyPattern.MatchString(fl.Field().String()) })
	// hs_code: 6 to 10 digits starting with an HS 2022 subheading.
	_ = v.RegisterValidation("hs_code", func(fl validator.FieldLevel) bool { return codes.ValidHSCode(fl.Field().String()) })
	// gtin: a GTIN-8/12/13/14 with a correct check digit; cbv_bizstep, cbv_disposition and
	// trace_document_type: a word or URI of the CBV vocabulary (or a document type the portal knows).
	for tag, check := range map[string]func(string) (string, bool){
		"gtin": codes.NormalizeGTIN, "cbv_bizstep": codes.NormalizeBizStep, "cbv_disposition": codes.NormalizeDisposition,
		"trace_document_type": codes.NormalizeTraceDocumentType,
	} {
		_ = v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			_, ok := check(fl.Field().String())
			return ok
		})
	}
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

var moneyPattern = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,2})?$`)

// Validate checks a struct's `validate` tags and returns EINVALID naming every bad field.
func Validate(in any) error {
	err := validate.Struct(in)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return err
	}
	fields := make([]FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, FieldError{Field: fieldPath(fe.Namespace()), Rule: fe.Tag(), Param: fe.Param()})
	}
	return Invalid(fields...)
}

// fieldPath drops the struct name from a validator namespace: "NewUser.roles[0]" → "roles[0]".
func fieldPath(ns string) string {
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}
