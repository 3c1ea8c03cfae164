"""Zhengwu (政务): government online-services portal for legal persons."""
