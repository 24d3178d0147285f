-- recon doctor: the server and the session. @@version_comment is the build's edition
-- ("MySQL Community Server - GPL", "mariadb.org binary distribution", "Source distribution").
SELECT VERSION(), @@version_comment, CURRENT_USER(), DATABASE()
