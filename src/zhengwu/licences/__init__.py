"""Electronic licences (电子证照, LIC-1 … LIC-3)."""
