<?xml version="1.0" encoding="UTF-8"?>
<!-- Well-formed, but not a stylesheet: start-up refuses it. -->
<html><body><p>not a view</p></body></html>
