<?xml version="1.0" encoding="UTF-8"?>
<!--
  fhir-lib.xsl: what every FHIR mapping view shares (docs/fhir.md).  A view
  imports it, matches /fhir:patient, maps the record whose id is $record
  and writes <fhir:resources> holding FHIR R4 resources in the default
  namespace http://hl7.org/fhir; the core wraps each in a Bundle entry.
  References are relative ("Patient/12"): every resource's id is the id of
  the record it comes from, prefixed when one record gives several kinds.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:fhir="urn:cairn:fhir"
    xmlns="http://hl7.org/fhir"
    exclude-result-prefixes="fhir">

  <!-- The id of the record to map (set by the core). -->
  <xsl:param name="record"/>

  <!-- The clinic's own code systems, for what has no standard code. -->
  <xsl:variable name="cs-instrument" select="'urn:cairn:instrument'"/>

  <!-- The record being mapped, and the patient's id. -->
  <xsl:variable name="rec" select="/fhir:patient/fhir:record[@id = $record]"/>
  <xsl:variable name="pid" select="/fhir:patient/@id"/>

  <!-- <subject> (or another element named by $name) -> Patient/ID. -->
  <xsl:template name="patient-ref">
    <xsl:param name="name" select="'subject'"/>
    <xsl:element name="{$name}">
      <reference value="Patient/{$pid}"/>
    </xsl:element>
  </xsl:template>

  <!-- A Reference to another resource: <NAME><reference value="T/ID"/>. -->
  <xsl:template name="ref">
    <xsl:param name="name"/>
    <xsl:param name="type"/>
    <xsl:param name="id"/>
    <xsl:element name="{$name}">
      <reference value="{$type}/{$id}"/>
    </xsl:element>
  </xsl:template>

  <!-- A CodeableConcept with one coding and a text. -->
  <xsl:template name="concept">
    <xsl:param name="name"/>
    <xsl:param name="system"/>
    <xsl:param name="code"/>
    <xsl:param name="display"/>
    <xsl:param name="text" select="$display"/>
    <xsl:element name="{$name}">
      <coding>
        <system value="{$system}"/>
        <code value="{$code}"/>
        <xsl:if test="string($display) != ''">
          <display value="{$display}"/>
        </xsl:if>
      </coding>
      <xsl:if test="string($text) != ''">
        <text value="{$text}"/>
      </xsl:if>
    </xsl:element>
  </xsl:template>

  <!-- meta: the record's version and the time it was written. -->
  <xsl:template name="meta">
    <meta>
      <versionId value="{$rec/@version}"/>
      <lastUpdated value="{$rec/@updated}"/>
    </meta>
  </xsl:template>
</xsl:stylesheet>
