package notice

import "github.com/dsmf/ssc-adapter/contracts"

// Labels of the contract codes in Azerbaijani (as the notice prints them)
// and English. Each XxxLabel function returns the Azerbaijani text, each
// XxxMessage both; an unknown code is returned unchanged in both languages.

type labels map[string]contracts.Message

func (l labels) message(code string) contracts.Message {
	if m, ok := l[code]; ok {
		return m
	}
	return contracts.Message{AZ: code, EN: code}
}

var statusLabels = labels{
	contracts.StatusDraft:        {AZ: "Qaralama", EN: "Draft"},
	contracts.StatusSubmitted:    {AZ: "Təqdim edilib", EN: "Submitted"},
	contracts.StatusInProcessing: {AZ: "İcradadır", EN: "In processing"},
	contracts.StatusCompleted:    {AZ: "İcra edilib", EN: "Completed"},
	contracts.StatusRejected:     {AZ: "İmtina edilib", EN: "Rejected"},
}

var typeLabels = labels{
	contracts.TypeReplacement: {AZ: "Dəyişdirilmə", EN: "Replacement"},
	contracts.TypeDuplicate:   {AZ: "Dublikat", EN: "Duplicate"},
}

var reasonLabels = labels{
	contracts.ReasonDocumentChanged:   {AZ: "Şəxsiyyət vəsiqəsində dəyişiklik", EN: "Identity document changed"},
	contracts.ReasonCertificateLost:   {AZ: "Şəhadətnamənin itirilməsi", EN: "Certificate lost"},
	contracts.ReasonDataError:         {AZ: "Şəhadətnamədə yazılmış məlumatlarda səhv", EN: "Error in the data on the certificate"},
	contracts.ReasonCertificateUnused: {AZ: "Şəhadətnamənin yararsız hala düşməsi", EN: "Certificate became unusable"},
}

var insurerTypeLabels = labels{
	contracts.InsurerLegalEntity:   {AZ: "Hüquqi şəxs", EN: "Legal entity"},
	contracts.InsurerNaturalPerson: {AZ: "Fiziki şəxs", EN: "Natural person"},
}

var roleLabels = labels{
	contracts.RoleOwner:    {AZ: "Möhür vurmaq səlahiyyəti olan şəxs", EN: "Holder of stamp authority"},
	contracts.RoleDelegate: {AZ: "Səlahiyyət verilmiş şəxs", EN: "Authorised person"},
}

var methodLabels = labels{
	contracts.MethodESignCard: {AZ: "Elektron imza (e-imza kartı)", EN: "E-signature card"},
	contracts.MethodAsanImza:  {AZ: "Asan imza", EN: "Asan imza (mobile signature)"},
	contracts.MethodPassword:  {AZ: "İstifadəçi adı və şifrə", EN: "Username and password"},
}

var documentTypeLabels = labels{
	contracts.DocumentIDCard:    {AZ: "DİN şəxsiyyət vəsiqəsi", EN: "ID card"},
	contracts.DocumentMigration: {AZ: "Miqrasiya sənədi", EN: "Migration document"},
}

var certificateStatusLabels = labels{
	contracts.CertificateActive:   {AZ: "Qüvvədədir", EN: "Active"},
	contracts.CertificateReplaced: {AZ: "Əvəz edilib", EN: "Replaced"},
}

// StatusLabel is the Azerbaijani label of an application status.
func StatusLabel(status string) string { return statusLabels.message(status).AZ }

// StatusMessage is the Azerbaijani and English label of an application status.
func StatusMessage(status string) contracts.Message { return statusLabels.message(status) }

// TypeLabel is the Azerbaijani label of an application type.
func TypeLabel(typ string) string { return typeLabels.message(typ).AZ }

// TypeMessage is the Azerbaijani and English label of an application type.
func TypeMessage(typ string) contracts.Message { return typeLabels.message(typ) }

// ReasonLabel is the Azerbaijani label of an application reason.
func ReasonLabel(reason string) string { return reasonLabels.message(reason).AZ }

// ReasonMessage is the Azerbaijani and English label of an application reason.
func ReasonMessage(reason string) contracts.Message { return reasonLabels.message(reason) }

// InsurerTypeLabel is the Azerbaijani label of an insurer type.
func InsurerTypeLabel(typ string) string { return insurerTypeLabels.message(typ).AZ }

// RoleLabel is the Azerbaijani label of a signer's role.
func RoleLabel(role string) string { return roleLabels.message(role).AZ }

// MethodLabel is the Azerbaijani label of a signature (login) method.
func MethodLabel(method string) string { return methodLabels.message(method).AZ }

// DocumentTypeLabel is the Azerbaijani label of an identity document type.
func DocumentTypeLabel(typ string) string { return documentTypeLabels.message(typ).AZ }

// CertificateStatusLabel is the Azerbaijani label of a certificate status.
func CertificateStatusLabel(status string) string {
	return certificateStatusLabels.message(status).AZ
}
