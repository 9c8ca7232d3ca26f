package workload

import "github.com/dsmf/ssc-adapter/domain"

// Azerbaijani names and places, so that records have realistic sizes and
// character sets (most of them carry Ə, Ş, Ç, Ğ, Ö, Ü, İ: two bytes each in UTF-8).

var surnames = []string{"MƏMMƏDOV", "ƏLİYEV", "HƏSƏNOV", "HÜSEYNOV", "QULİYEV", "İSMAYILOV", "ƏHMƏDOV",
	"ABBASOV", "CƏFƏROV", "BABAYEV", "MUSAYEV", "RƏHİMOV", "SÜLEYMANOV", "KƏRİMOV", "NƏSİBOV", "QASIMOV",
	"VƏLİYEV", "ORUCOV", "MUSTAFAYEV", "İBRAHİMOV", "QƏLƏYEV", "SADIQOV", "ŞÜKÜROV", "ÇƏLƏBİYEV",
	"AĞAYEV", "XƏLİLOV", "ZEYNALOV", "NOVRUZOV", "ƏSGƏROV", "BAĞIROV"}

var maleNames = []string{"ELÇİN", "ÜLVİ", "İLQAR", "RAMİZ", "ORXAN", "TURAL", "ŞAHİN", "VÜQAR", "NİCAT",
	"RƏŞAD", "ELVİN", "KAMRAN", "FUAD", "SƏMİR", "NƏZƏR", "ÇİNGİZ", "ƏLİ", "MURAD", "ZAUR", "RÜSTƏM",
	"ANAR", "TOĞRUL", "FƏRİD", "CAVİD", "ƏLƏKBƏR", "MƏHƏMMƏD", "HÜSEYN", "İSMAYIL", "ÖMƏR", "YUSİF"}

var femaleNames = []string{"ŞƏHLA", "GÜLNARƏ", "AYTƏN", "LEYLA", "NƏRMİN", "SEVİNC", "GÜNAY", "AYNUR",
	"KÖNÜL", "ÜLKƏR", "XƏDİCƏ", "FİDAN", "NİGAR", "SƏBİNƏ", "ZÜLFİYYƏ", "RƏNA", "İLAHƏ", "TÜRKAN",
	"LAMİYƏ", "AİDA", "GÜLTƏKİN", "SAMİRƏ", "ŞƏBNƏM", "ÇİÇƏK", "NƏZRİN"}

var birthPlaces = []string{"Bakı şəhəri", "Gəncə şəhəri", "Sumqayıt şəhəri", "Şəki şəhəri", "Lənkəran şəhəri",
	"Mingəçevir şəhəri", "Naxçıvan şəhəri", "Şirvan şəhəri", "Quba rayonu", "Qəbələ rayonu", "Masallı rayonu",
	"Ağdam rayonu", "Şamaxı rayonu", "Zaqatala rayonu", "Bərdə rayonu", "Salyan rayonu", "Qazax rayonu",
	"Şuşa şəhəri", "Göyçay rayonu", "Ağcabədi rayonu", "Xaçmaz rayonu", "İsmayıllı rayonu", "Tovuz rayonu"}

var authorities = []string{"ASAN xidmət №1", "ASAN xidmət №2", "ASAN xidmət №3", "ASAN xidmət №4",
	"ASAN xidmət №5", "ASAN xidmət №6", "Gəncə ASAN xidmət mərkəzi", "Sumqayıt ASAN xidmət mərkəzi",
	"DİN Bakı şəhər Pasport Şöbəsi", "DİN Gəncə ŞPŞ", "DİN Sumqayıt ŞPŞ", "DİN Şəki", "DİN Lənkəran ŞPŞ",
	"DİN Quba RPŞ", "DİN Mingəçevir ŞPŞ", "Naxçıvan MR DİN"}

const migrationAuthority = "Dövlət Miqrasiya Xidməti"

var foreignCitizenships = []string{"Türkiyə", "Rusiya", "Gürcüstan", "İran", "Ukrayna", "Özbəkistan", "Qazaxıstan"}

var offices = []struct{ code, name string }{
	{"188", "Bakı şəhəri üzrə hüquqi şəxslərlə iş"}, {"101", "Nəsimi rayon şöbəsi"},
	{"102", "Nərimanov rayon şöbəsi"}, {"103", "Yasamal rayon şöbəsi"}, {"104", "Səbail rayon şöbəsi"},
	{"105", "Xətai rayon şöbəsi"}, {"106", "Binəqədi rayon şöbəsi"}, {"107", "Suraxanı rayon şöbəsi"},
	{"108", "Sabunçu rayon şöbəsi"}, {"109", "Qaradağ rayon şöbəsi"}, {"110", "Xəzər rayon şöbəsi"},
	{"111", "Nizami rayon şöbəsi"}, {"112", "Pirallahı rayon şöbəsi"}, {"201", "Gəncə şəhər şöbəsi"},
	{"202", "Sumqayıt şəhər şöbəsi"}, {"203", "Mingəçevir şəhər şöbəsi"}, {"204", "Şəki şəhər şöbəsi"},
	{"205", "Lənkəran şəhər şöbəsi"}, {"206", "Şirvan şəhər şöbəsi"}, {"207", "Naftalan şəhər şöbəsi"},
	{"301", "Quba rayon şöbəsi"}, {"302", "Qəbələ rayon şöbəsi"}, {"303", "Masallı rayon şöbəsi"},
	{"304", "Şamaxı rayon şöbəsi"}, {"305", "Zaqatala rayon şöbəsi"}, {"306", "Bərdə rayon şöbəsi"},
	{"307", "Salyan rayon şöbəsi"}, {"308", "Qazax rayon şöbəsi"}, {"309", "Göyçay rayon şöbəsi"},
	{"310", "Xaçmaz rayon şöbəsi"}, {"311", "İsmayıllı rayon şöbəsi"}, {"312", "Tovuz rayon şöbəsi"},
}

var companyWords = []string{"XƏZƏR", "AZƏR", "QAFQAZ", "ŞİRVAN", "GƏNCƏ", "ABŞERON", "NAXÇIVAN", "KÜR", "ARAZ",
	"QƏBƏLƏ", "ŞAHDAĞ", "MƏKTƏBİ", "GÜNƏŞ", "ULDUZ", "İNŞAAT", "TİCARƏT", "TEXNOLOGİYA", "LOJİSTİK",
	"TİKİNTİ", "SƏNAYE", "AQRO", "MEDİA", "SERVİS", "QURUP", "ENERJİ", "MƏTBƏƏ", "ÇÖRƏK", "SÜD", "DƏRMAN"}

var companyForms = []string{"MMC", "MMC", "MMC", "ASC", "QSC", "MƏDƏNİYYƏT MƏRKƏZİ", "İCTİMAİ BİRLİYİ",
	"İSTEHSALAT ŞİRKƏTİ", "TİCARƏT MƏRKƏZİ"}

var rejectionReasons = []string{"Sənədin surəti oxunmur", "Şəxsiyyət vəsiqəsinin məlumatları reyestrlə uyğun gəlmir",
	"Müraciət təkrar verilib", "İmza sahibinin səlahiyyəti təsdiqlənmədi"}

var refusalCodes = []string{"APPLICATION_ALREADY_OPEN", "DOCUMENT_NOT_FOUND", "DOCUMENT_EXPIRED",
	"GRANT_DUPLICATE", "NOT_INSURED_BY_INSURER", "SSN_FIN_MISMATCH", "OWNER_ONLY"}

var reasons = []domain.Reason{domain.ReasonDocumentChanged, domain.ReasonCertificateLost, domain.ReasonDataError,
	domain.ReasonCertificateUnused}
