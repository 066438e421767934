"""Template context shared by every page: the regency and the instansi being served."""

from django.conf import settings


def regency(request):
    return {
        "regency_name": settings.SIMPUL_REGENCY_NAME,
        "base_domain": settings.SIMPUL_BASE_DOMAIN,
        "current_instansi": getattr(request, "tenant", None),
    }
