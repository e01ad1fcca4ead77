<?xml version="1.0" encoding="UTF-8"?>
<!--
  program:Observation (one completed outcome measure) -> Observation
  (docs/fhir.md).  LOINC where a code exists: NRS 72514-3, the PEG panel
  91148-7 with its three items as components; the clinic's own code system
  (urn:cairn:instrument) otherwise.  The measures are patient-reported: the
  performer is the patient.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:fhir="urn:cairn:fhir"
    xmlns:p="urn:cairn:program"
    xmlns="http://hl7.org/fhir"
    exclude-result-prefixes="fhir p">
  <xsl:import href="fhir-lib.xsl"/>
  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:variable name="loinc" select="'http://loinc.org'"/>

  <!-- The measure's code. -->
  <xsl:template name="code">
    <xsl:param name="instrument"/>
    <xsl:choose>
      <xsl:when test="$instrument = 'nrs'">
        <xsl:call-template name="concept">
          <xsl:with-param name="name" select="'code'"/>
          <xsl:with-param name="system" select="$loinc"/>
          <xsl:with-param name="code" select="'72514-3'"/>
          <xsl:with-param name="display" select="'Pain severity - 0-10 verbal numeric rating [Score] - Reported'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$instrument = 'peg'">
        <xsl:call-template name="concept">
          <xsl:with-param name="name" select="'code'"/>
          <xsl:with-param name="system" select="$loinc"/>
          <xsl:with-param name="code" select="'91148-7'"/>
          <xsl:with-param name="display" select="'PEG 3 item pain scale'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="concept">
          <xsl:with-param name="name" select="'code'"/>
          <xsl:with-param name="system" select="$cs-instrument"/>
          <xsl:with-param name="code" select="$instrument"/>
          <xsl:with-param name="display" select="$instrument"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- One item's code: the PEG's LOINC items, the clinic's own else. -->
  <xsl:template name="item-code">
    <xsl:param name="instrument"/>
    <xsl:param name="item"/>
    <xsl:variable name="peg">
      <xsl:if test="$instrument = 'peg'">
        <xsl:choose>
          <xsl:when test="$item = 'pain'">75893-8</xsl:when>
          <xsl:when test="$item = 'enjoyment'">91145-3</xsl:when>
          <xsl:when test="$item = 'activity'">91146-1</xsl:when>
        </xsl:choose>
      </xsl:if>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="string($peg) != ''">
        <xsl:call-template name="concept">
          <xsl:with-param name="name" select="'code'"/>
          <xsl:with-param name="system" select="$loinc"/>
          <xsl:with-param name="code" select="$peg"/>
          <xsl:with-param name="text" select="$item"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="concept">
          <xsl:with-param name="name" select="'code'"/>
          <xsl:with-param name="system" select="concat($cs-instrument, ':', $instrument)"/>
          <xsl:with-param name="code" select="$item"/>
          <xsl:with-param name="text" select="$item"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="/">
    <fhir:resources>
      <xsl:for-each select="$rec/p:Observation">
        <xsl:variable name="instrument" select="p:instrument"/>
        <Observation>
          <id value="{$rec/@id}"/>
          <xsl:call-template name="meta"/>
          <status>
            <xsl:attribute name="value">
              <xsl:choose>
                <xsl:when test="$rec/@status = 'entered-in-error'">entered-in-error</xsl:when>
                <xsl:otherwise>final</xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
          </status>
          <category>
            <coding>
              <system value="http://terminology.hl7.org/CodeSystem/observation-category"/>
              <code value="survey"/>
              <display value="Survey"/>
            </coding>
          </category>
          <xsl:call-template name="code">
            <xsl:with-param name="instrument" select="$instrument"/>
          </xsl:call-template>
          <xsl:call-template name="patient-ref"/>
          <xsl:if test="p:episode">
            <!-- focus: the episode of care the measure was taken in -->
            <xsl:call-template name="ref">
              <xsl:with-param name="name" select="'focus'"/>
              <xsl:with-param name="type" select="'EpisodeOfCare'"/>
              <xsl:with-param name="id" select="p:episode"/>
            </xsl:call-template>
          </xsl:if>
          <effectiveDateTime value="{p:effective}"/>
          <xsl:call-template name="patient-ref">
            <xsl:with-param name="name" select="'performer'"/>
          </xsl:call-template>
          <xsl:choose>
            <xsl:when test="p:score">
              <valueQuantity>
                <value value="{p:score}"/>
                <system value="http://unitsofmeasure.org"/>
                <code value="{{score}}"/>
              </valueQuantity>
            </xsl:when>
            <xsl:otherwise>
              <dataAbsentReason>
                <coding>
                  <system value="http://terminology.hl7.org/CodeSystem/data-absent-reason"/>
                  <code value="not-performed"/>
                </coding>
              </dataAbsentReason>
            </xsl:otherwise>
          </xsl:choose>
          <xsl:if test="p:timepoint">
            <note><text value="timepoint: {p:timepoint}"/></note>
          </xsl:if>
          <xsl:for-each select="p:answer">
            <component>
              <xsl:call-template name="item-code">
                <xsl:with-param name="instrument" select="$instrument"/>
                <xsl:with-param name="item" select="@item"/>
              </xsl:call-template>
              <valueQuantity>
                <value value="{.}"/>
                <system value="http://unitsofmeasure.org"/>
                <code value="{{score}}"/>
              </valueQuantity>
            </component>
          </xsl:for-each>
        </Observation>
      </xsl:for-each>
    </fhir:resources>
  </xsl:template>
</xsl:stylesheet>
