package models

import "gorm.io/gorm"

// AppendAudit lets the external tests append audit records in their own transactions.
func AppendAudit(tx *gorm.DB, actor Actor, action, objectType, objectID string, after any) error {
	return audit(tx, actor, action, objectType, objectID, nil, after)
}
