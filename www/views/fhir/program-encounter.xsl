<?xml version="1.0" encoding="UTF-8"?>
<!-- program:Encounter (a visit) -> Encounter (docs/fhir.md). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:fhir="urn:cairn:fhir"
    xmlns:p="urn:cairn:program"
    xmlns="http://hl7.org/fhir"
    exclude-result-prefixes="fhir p">
  <xsl:import href="fhir-lib.xsl"/>
  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:template match="/">
    <fhir:resources>
      <xsl:for-each select="$rec/p:Encounter">
        <Encounter>
          <id value="{$rec/@id}"/>
          <xsl:call-template name="meta"/>
          <status>
            <xsl:attribute name="value">
              <xsl:choose>
                <xsl:when test="$rec/@status = 'entered-in-error'">entered-in-error</xsl:when>
                <xsl:otherwise><xsl:value-of select="p:state"/></xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
          </status>
          <class>
            <system value="http://terminology.hl7.org/CodeSystem/v3-ActCode"/>
            <code value="AMB"/>
            <display value="ambulatory"/>
          </class>
          <xsl:call-template name="concept">
            <xsl:with-param name="name" select="'type'"/>
            <xsl:with-param name="system" select="'urn:cairn:program:visit-type'"/>
            <xsl:with-param name="code" select="p:type"/>
            <xsl:with-param name="display" select="p:type"/>
          </xsl:call-template>
          <xsl:call-template name="patient-ref"/>
          <xsl:call-template name="ref">
            <xsl:with-param name="name" select="'episodeOfCare'"/>
            <xsl:with-param name="type" select="'EpisodeOfCare'"/>
            <xsl:with-param name="id" select="p:episode"/>
          </xsl:call-template>
          <period>
            <start value="{p:date}"/>
            <xsl:if test="p:state = 'finished'">
              <end value="{p:date}"/>
            </xsl:if>
          </period>
        </Encounter>
      </xsl:for-each>
    </fhir:resources>
  </xsl:template>
</xsl:stylesheet>
